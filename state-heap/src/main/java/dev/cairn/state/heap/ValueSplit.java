package dev.cairn.state.heap;

import dev.cairn.state.serde.Serializers;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.TimestampedSerializer;

/**
 * How a {@link SlotMap} stores values apart: a {@code long} in a {@code
 * long[]} beside the slots and the rest (or nothing) in the slot, rebuilt when read. Two kinds of
 * values are split:
 *
 * <ul>
 *   <li>timestamped values ({@link TimestampedSerializer}: TTL's envelopes), in value, reducing,
 *       aggregating and map state: the timestamp in the {@code long[]}, the payload in the slot, so
 *       that checking a TTL entry does not load an envelope object and no envelope is retained per
 *       entry. List elements stay whole envelopes: a split list (a {@code long[]} beside an array of
 *       payloads) took 531 instead of 632 bytes per key for lists of ten, but appended at 0.79× (two
 *       arrays to write and grow);
 *   <li>{@link Serializers#LONG}'s {@code Long}s, in reducing and aggregating state only: the number
 *       in the {@code long[]}, the slot null. Their every write reads the old value: unsplit, that is
 *       a load of the {@code Long} the slot points to (a dependent cache miss), and the write stores
 *       a reference into the old generation's slot array, which G1 tracks by dirtying and re-scanning
 *       its card. Split, the number sits at a position the probe already knows and the write stores
 *       none (paired against whole values, 1e6 keys: reducing add 1.49×, aggregating add 1.80×).
 *       Value and map state keep their {@code Long}s whole: a read that hands out the stored object
 *       is cheaper than one that boxes a new {@code Long} from a second array (value get 0.97×
 *       at 1e6 keys and 0.76× at 1e7, map get 0.80×, map iterate 0.81×; value update 0.95× at 1e6,
 *       2.21× at 1e7, where G1's card re-scans dominate).
 * </ul>
 *
 * <p>A read returns a value equal to the one stored, not the same object ({@code join(bits(v),
 * rest(v))} stands for {@code v}). Both parts are taken before anything is stored, so a value that
 * cannot be split (null, or a {@code ClassCastException} from erasure) changes nothing: a map with a
 * split takes no null values.
 *
 * @param <V> the type of the values
 */
interface ValueSplit<V> {

  /** The part kept in the {@code long[]}. */
  long bits(V value);

  /** The part kept in the slot; may be null. */
  Object rest(V value);

  /** The value made of its two parts. */
  V join(long bits, Object rest);

  /**
   * Returns the split for values of {@code serializer}, or null if they are stored whole.
   *
   * @param longs whether {@link Serializers#LONG}'s values are split (reducing and aggregating state)
   */
  @SuppressWarnings("unchecked")
  static <V> ValueSplit<V> of(TypeSerializer<?> serializer, boolean longs) {
    if (longs && serializer == Serializers.LONG) {
      return (ValueSplit<V>) Longs.INSTANCE;
    }
    if (serializer instanceof TimestampedSerializer<?> timestamped) {
      return new Timestamped<>((TimestampedSerializer<V>) timestamped);
    }
    return null;
  }

  /** {@code Long}s, unboxed; the slot keeps null. */
  enum Longs implements ValueSplit<Long> {
    INSTANCE;

    @Override
    public long bits(Long value) {
      return value;
    }

    @Override
    public Object rest(Long value) {
      return null;
    }

    @Override
    public Long join(long bits, Object rest) {
      return bits;
    }
  }

  /** Timestamped values: the timestamp unboxed, the payload in the slot. */
  record Timestamped<V>(TimestampedSerializer<V> serializer) implements ValueSplit<V> {

    @Override
    public long bits(V value) {
      return serializer.timestamp(value);
    }

    @Override
    public Object rest(V value) {
      return serializer.payload(value);
    }

    @Override
    public V join(long bits, Object rest) {
      return serializer.withTimestamp(bits, rest);
    }
  }
}
