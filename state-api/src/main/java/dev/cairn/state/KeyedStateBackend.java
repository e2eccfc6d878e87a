package dev.cairn.state;

import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyGroupRange;
import java.util.stream.Stream;

/**
 * Keyed state of one task: a current key, and states registered by descriptor whose reads and writes
 * apply to that key.
 *
 * <pre>{@code
 * try (KeyedStateBackend<String> backend = HeapStateBackend.builder(Serializers.STRING).build()) {
 *   ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG, 0L));
 *   backend.setCurrentKey("alice");
 *   count.update(count.value() + 1);
 * }
 * }</pre>
 *
 * <p><b>Threading.</b> A backend and its state handles belong to one thread, the task thread: the
 * first thread that sets a current key or uses a state handle. Before that, any thread may build the
 * backend, register states and restore it. Any other thread's use then throws {@link
 * WrongThreadException}, until the owner thread has terminated: then the next thread that uses the
 * backend owns it. {@link #close()}, {@link #keySerializer()}, {@link #maxParallelism()} and {@link
 * #keyGroupRange()} may be called from any thread.
 *
 * <p><b>Returned objects.</b> Every backend behaves as if values were copied on write and on read:
 * changing an object after passing it to a state, or changing an object a state returned, never
 * changes the stored state. (Serializers of immutable types make the copy free; see {@link
 * TypeSerializer#isImmutable()}.)
 *
 * <p><b>Key groups.</b> Each key belongs to one of {@link #maxParallelism()} key groups, assigned by
 * {@link dev.cairn.state.spi.KeyGroups#assign(int, int)} from the key serializer's stable hash. A
 * backend owns a contiguous {@link #keyGroupRange()}; setting a key outside it fails.
 *
 * <p><b>Snapshots.</b> Every backend also implements {@link dev.cairn.state.spi.Snapshotable}, which
 * the checkpoint coordinator drives; applications never need to call it.
 *
 * @param <K> the key type
 */
public interface KeyedStateBackend<K> extends AutoCloseable {

  /**
   * Sets the key that state reads and writes apply to.
   *
   * @param key the key, not null
   * @throws NullPointerException if {@code key} is null
   * @throws KeyGroupOutOfRangeException if the key's group is outside {@link #keyGroupRange()}
   * @throws BackendClosedException if the backend was closed
   * @throws WrongThreadException if another thread, still alive, owns the backend
   */
  void setCurrentKey(K key);

  /** Returns the current key, or null if none was set yet. */
  K getCurrentKey();

  /** Returns the key group of the current key, or -1 if none was set yet. */
  int getCurrentKeyGroup();

  /**
   * Registers a state, or returns the one registered under the same name. The same descriptor, or an
   * equal one, may be passed any number of times. If the state was restored from a snapshot, its
   * stored serializer snapshot is checked against the descriptor's serializer here.
   *
   * @param descriptor the state's descriptor
   * @return the state handle, valid for every key until the backend is closed
   * @throws StateRegistrationException if the name is registered with another kind or serializer
   * @throws IncompatibleSchemaException if restored state cannot be read by the new serializer
   * @throws BackendClosedException if the backend was closed
   */
  <S extends State> S getState(StateDescriptor<S> descriptor);

  /**
   * Returns the keys that have state in the named state, each once, in no particular order. The
   * stream must be closed (use try-with-resources); do not modify that state while consuming it (use
   * {@link #applyToAllKeys} to modify).
   *
   * @param stateName the name of a registered state
   * @throws IllegalArgumentException if no state of that name is registered
   */
  Stream<K> keys(String stateName);

  /**
   * Calls {@code function} once for every key that has state in the descriptor's state, with the
   * current key set to that key. The function may read, update or clear the state. Afterwards the
   * current key is what it was before.
   */
  <S extends State> void applyToAllKeys(
      StateDescriptor<S> descriptor, KeyedStateFunction<K, S> function);

  /** Returns the key serializer. */
  TypeSerializer<K> keySerializer();

  /** Returns the number of key groups, fixed for the life of a job's state (1 to 32768). */
  int maxParallelism();

  /** Returns the key groups this backend owns. */
  KeyGroupRange keyGroupRange();

  /**
   * Releases everything the backend holds. Idempotent. Afterwards every method of the backend and of
   * its state handles throws {@link BackendClosedException}; snapshots already taken stay usable
   * until closed (or fail cleanly, for backends whose snapshots depend on the backend).
   */
  @Override
  void close();
}
