package dev.cairn.state.heap;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyedStateBackendBuilder;

/**
 * Keyed state as objects on the Java heap, the fastest backend for state that fits in memory.
 *
 * <pre>{@code
 * try (KeyedStateBackend<String> backend = HeapStateBackend.builder(Serializers.STRING).build()) {
 *   ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG, 0L));
 *   backend.setCurrentKey("alice");
 *   count.update(count.value() + 1);
 * }
 * }</pre>
 *
 * <p>Values are kept as objects, laid out by key group; values of mutable types (whose serializer's
 * {@link TypeSerializer#isImmutable()} is false) are copied on write and on read, and keys of
 * mutable types are copied when set. Keys and map user keys are held in hash maps, so their types
 * need value-based {@code equals} and {@code hashCode} (not arrays such as {@code byte[]}).
 *
 * <p>Snapshots are copy-on-write: the synchronous part takes time proportional to the number of
 * states and key groups, not entries, and afterwards the first write to a key group (and to a list
 * or map) still shared with an open snapshot copies it shallowly. Close or write snapshots promptly
 * so that writes go back to changing state in place.
 *
 * <p>{@link dev.cairn.state.spi.SnapshotMode#INCREMENTAL} snapshots write only the keys changed since
 * the last completed checkpoint, as a delta on a chain that starts with a full base; see {@link
 * Builder#incrementalMaxDeltas} and {@link Builder#incrementalMaxDeltaRatio} for when a chain is
 * compacted into a new base. Backends track changed keys only from their first incremental snapshot
 * on.
 */
public final class HeapStateBackend {

  private HeapStateBackend() {}

  /**
   * Returns a builder of heap backends.
   *
   * @param keySerializer the key serializer; its stable hash assigns key groups
   * @throws IllegalArgumentException if {@code keySerializer} is null
   */
  public static <K> Builder<K> builder(TypeSerializer<K> keySerializer) {
    return new Builder<>(keySerializer);
  }

  /** The default of {@link Builder#incrementalMaxDeltas(int)}. */
  public static final int DEFAULT_INCREMENTAL_MAX_DELTAS = 10;

  /** The default of {@link Builder#incrementalMaxDeltaRatio(double)}. */
  public static final double DEFAULT_INCREMENTAL_MAX_DELTA_RATIO = 0.5;

  /**
   * Builds heap backends: the options every backend has, and the compaction of incremental
   * snapshots.
   *
   * @param <K> the key type
   */
  public static final class Builder<K> extends KeyedStateBackendBuilder<K, Builder<K>> {

    private Integer incrementalMaxDeltas;
    private Double incrementalMaxDeltaRatio;

    private Builder(TypeSerializer<K> keySerializer) {
      super(keySerializer);
    }

    /**
     * Sets how many deltas an incremental snapshot chain may have: an incremental snapshot whose last
     * completed checkpoint's chain has that many writes a new full base instead of another delta.
     * Default {@value HeapStateBackend#DEFAULT_INCREMENTAL_MAX_DELTAS}.
     *
     * @throws IllegalArgumentException unless at least 1
     * @throws IllegalStateException if already set
     */
    public Builder<K> incrementalMaxDeltas(int maxDeltas) {
      if (incrementalMaxDeltas != null) {
        throw new IllegalStateException("incremental max deltas was already set to " + incrementalMaxDeltas);
      }
      if (maxDeltas < 1) {
        throw new IllegalArgumentException("incremental max deltas must be at least 1, got " + maxDeltas);
      }
      incrementalMaxDeltas = maxDeltas;
      return this;
    }

    /**
     * Sets how large the deltas of an incremental snapshot chain may grow, as a fraction of the base's
     * size: an incremental snapshot whose last completed checkpoint's chain has deltas of more than
     * {@code ratio} times the base's bytes in total writes a new full base instead of another delta,
     * so restore never reads much more than the state itself. Default {@value
     * HeapStateBackend#DEFAULT_INCREMENTAL_MAX_DELTA_RATIO}.
     *
     * @throws IllegalArgumentException unless positive and finite
     * @throws IllegalStateException if already set
     */
    public Builder<K> incrementalMaxDeltaRatio(double ratio) {
      if (incrementalMaxDeltaRatio != null) {
        throw new IllegalStateException("incremental max delta ratio was already set to " + incrementalMaxDeltaRatio);
      }
      if (!(ratio > 0) || Double.isInfinite(ratio)) {
        throw new IllegalArgumentException("incremental max delta ratio must be positive and finite, got " + ratio);
      }
      incrementalMaxDeltaRatio = ratio;
      return this;
    }

    /**
     * Builds a new, empty backend.
     *
     * @throws IllegalArgumentException if the key-group range does not fit the max parallelism, or
     *     the keys are {@code byte[]}
     */
    @Override
    public KeyedStateBackend<K> build() {
      if (keySerializer() == Serializers.BYTES) {
        throw new IllegalArgumentException(
            "byte[] keys have no value-based equals; the heap backend needs one"
                + " (wrap the bytes in a type that compares contents)");
      }
      return new HeapKeyedStateBackend<>(
          keySerializer(),
          resolvedMaxParallelism(),
          resolvedKeyGroupRange(),
          incrementalMaxDeltas != null ? incrementalMaxDeltas : DEFAULT_INCREMENTAL_MAX_DELTAS,
          incrementalMaxDeltaRatio != null ? incrementalMaxDeltaRatio : DEFAULT_INCREMENTAL_MAX_DELTA_RATIO,
          restoreListener(),
          restoreProgressInterval());
    }
  }
}
