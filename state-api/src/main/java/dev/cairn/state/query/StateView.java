package dev.cairn.state.query;

import dev.cairn.state.AggregatingStateDescriptor;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.ValueStateDescriptor;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Read-only keyed state at one point in time, for threads other than the task thread: every read of
 * one view sees the state exactly as it was between two records of the task thread, never half of
 * what the task thread did for a record, whatever it does meanwhile. Obtained from {@link
 * StateViews#acquire()}; close it as soon as the reads are done (try-with-resources), because the
 * version it reads stays pinned (heap: structures the task thread must copy before changing; RocksDB:
 * a native snapshot) until every view of it is closed.
 *
 * <pre>{@code
 * try (StateView<String> view = views.acquire()) {
 *   Long count = view.value(COUNT, "user-42");          // the descriptor the task thread registered
 * }
 * }</pre>
 *
 * <p>Reads name a state by the descriptor it was registered with (or one with the same name, kind and
 * serializers) and take the key explicitly; there is no current key. Every method may be called from
 * any thread, concurrently. Returned objects belong to the caller (mutable values are copies).
 * States with a time-to-live ({@code TtlStateBackend}) never show expired entries, judged at {@link
 * #takenAt()}: a view cannot clean up, so it hides them under either visibility setting.
 *
 * <p><b>Errors.</b> A read of a state the view does not have, or with a descriptor of another kind or
 * serializers, throws {@link IllegalArgumentException}; a key outside the backend's key groups throws
 * {@link dev.cairn.state.KeyGroupOutOfRangeException}; a null key {@link NullPointerException}. After
 * {@link #close()} (or {@link StateViews#close()}) reads throw {@link ViewClosedException}; once the view
 * has outlived {@link StateViews.Builder#maxLifetime}, {@link ViewExpiredException}; once the backend is
 * closed, {@link dev.cairn.state.BackendClosedException}. Streams hold nothing open and need not be
 * closed, but fail the same way when advanced after any of these.
 *
 * @param <K> the key type
 */
public interface StateView<K> extends AutoCloseable {

  /** Returns when the task thread took the version this view reads (the backend's point in time). */
  Instant takenAt();

  /**
   * Returns the value of {@code key}: as {@link dev.cairn.state.ValueState#value()} would have, the
   * descriptor's default when unset.
   */
  <T> T value(ValueStateDescriptor<T> state, K key);

  /** Returns the elements of {@code key}'s list, unmodifiable; empty when it has none. */
  <T> List<T> list(ListStateDescriptor<T> state, K key);

  /** Returns the value of {@code userKey} in {@code key}'s map, or null (absent, or mapped to null). */
  <UK, UV> UV get(MapStateDescriptor<UK, UV> state, K key, UK userKey);

  /** Returns whether {@code key}'s map has an entry for {@code userKey} (possibly mapped to null). */
  <UK, UV> boolean contains(MapStateDescriptor<UK, UV> state, K key, UK userKey);

  /**
   * Returns the entries of {@code key}'s map, in no particular order (values may be null); empty when
   * it has none. Large maps are read in batches as the stream is consumed.
   */
  <UK, UV> Stream<Map.Entry<UK, UV>> entries(MapStateDescriptor<UK, UV> state, K key);

  /** Returns {@code key}'s reduced value, or null when it has none. */
  <T> T reduced(ReducingStateDescriptor<T> state, K key);

  /**
   * Returns {@code key}'s aggregate: the descriptor's {@code getResult} of the stored accumulator
   * (called on the reading thread), or null when it has none.
   */
  <IN, ACC, OUT> OUT aggregated(AggregatingStateDescriptor<IN, ACC, OUT> state, K key);

  /**
   * Returns the keys that have state in the named state, each once, in no particular order.
   *
   * @throws IllegalArgumentException if the view has no state of that name
   */
  Stream<K> keys(String stateName);

  /**
   * A range scan: returns the keys that have state in the named state and whose serialized bytes lie
   * in {@code [fromInclusive, toExclusive)}, in the unsigned lexicographic order of those bytes. That
   * is the keys' own order where the key serializer writes order-preserving bytes: for {@code
   * Serializers.LONG} and {@code INT}, non-negative numbers in numeric order (negative ones sort after
   * them); for {@code Serializers.STRING}, shorter strings first, then ASCII strings of one length
   * alphabetically (a length prefix comes first). RocksDB seeks to the range in each key group and
   * merges; the heap backend, whose tables have no order, checks every key of the state and sorts the
   * matches.
   *
   * @throws IllegalArgumentException if the view has no state of that name
   */
  Stream<K> keys(String stateName, K fromInclusive, K toExclusive);

  /**
   * Releases this view; idempotent. The version it reads is unpinned once every view of it is closed
   * and a newer one was taken (or it became too old to hand out).
   */
  @Override
  void close();
}
