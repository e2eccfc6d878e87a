package dev.cairn.state.heap;

import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import dev.cairn.state.spi.TimestampedSerializer;

/** Timestamped values, as TTL's envelopes are, for the tests of the heap's split layouts. */
final class StampedValues {

  private StampedValues() {}

  /** A timestamped value; its payload may be null. */
  record Stamped(long time, Long payload) {

    Stamped plus(Stamped other) {
      long sum = (payload == null ? 0 : payload) + (other.payload == null ? 0 : other.payload);
      return new Stamped(Math.max(time, other.time), sum);
    }
  }

  /** Splits {@link Stamped} values; only the split is used, never the bytes. */
  static final class Serializer implements TimestampedSerializer<Object> {

    @Override
    public long timestamp(Object value) {
      return ((Stamped) value).time();
    }

    @Override
    public Object payload(Object value) {
      return ((Stamped) value).payload();
    }

    @Override
    public Object withTimestamp(long timestamp, Object payload) {
      return new Stamped(timestamp, (Long) payload);
    }

    @Override
    public void serialize(Object value, DataOutputBuffer out) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object deserialize(DataInputBuffer in) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isImmutable() {
      return true;
    }

    @Override
    public Object copy(Object value) {
      return value;
    }

    @Override
    public int stableHash(Object value) {
      return value.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<Object> snapshot() {
      throw new UnsupportedOperationException();
    }
  }
}
