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

  /**
   * Builds heap backends; has only the options every backend has.
   *
   * @param <K> the key type
   */
  public static final class Builder<K> extends KeyedStateBackendBuilder<K, Builder<K>> {

    private Builder(TypeSerializer<K> keySerializer) {
      super(keySerializer);
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
      return new HeapKeyedStateBackend<>(keySerializer(), resolvedMaxParallelism(), resolvedKeyGroupRange());
    }
  }
}
