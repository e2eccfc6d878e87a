package dev.cairn.state.kit;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * What every contract of the kit shares: backends made through {@link
 * KitFixture#createBackend}, tracked for the test's lifetime, checked and closed after each test.
 *
 * <p>After each test, for every backend made by {@link #backend} and still open, and every state
 * registered on it: {@code keys(state)} lists exactly the keys whose reads are not empty, and a
 * snapshot restored into a fresh backend reads the same for every key. With more than {@value
 * TrackingBackend#KEY_LIMIT} keys only a sample of the listed keys is checked.
 */
public interface KitSupport extends KitFixture {

  /** The max parallelism of the kit's backends unless a test says otherwise. */
  int MAX_PARALLELISM = 128;

  /** Returns a new backend with {@code Long} keys, max parallelism 128 and all key groups. */
  default KeyedStateBackend<Long> backend() {
    return backend(Serializers.LONG);
  }

  /** Returns a new backend with max parallelism 128 and all key groups. */
  default <K> KeyedStateBackend<K> backend(TypeSerializer<K> keySerializer) {
    return backend(keySerializer, MAX_PARALLELISM, KeyGroupRange.all(MAX_PARALLELISM));
  }

  /** Returns a new backend; it is checked and closed after the test. */
  default <K> KeyedStateBackend<K> backend(
      TypeSerializer<K> keySerializer, int maxParallelism, KeyGroupRange keyGroupRange) {
    TrackingBackend<K> backend =
        new TrackingBackend<>(createBackend(keySerializer, maxParallelism, keyGroupRange));
    KitInvariants.track(this, backend);
    return backend;
  }

  /** Returns a new backend with the same key serializer and key groups, restored from {@code inputs}. */
  default <K> KeyedStateBackend<K> restored(KeyedStateBackend<K> like, SnapshotInput... inputs) {
    return restored(like.keySerializer(), like.maxParallelism(), like.keyGroupRange(), inputs);
  }

  /** Returns a new backend restored from {@code inputs}. */
  default <K> KeyedStateBackend<K> restored(
      TypeSerializer<K> keySerializer,
      int maxParallelism,
      KeyGroupRange keyGroupRange,
      SnapshotInput... inputs) {
    KeyedStateBackend<K> backend = backend(keySerializer, maxParallelism, keyGroupRange);
    Snapshotable.of(backend).restore(Arrays.asList(inputs));
    return backend;
  }

  /** Takes a snapshot of {@code backend}, writes it to a new store on this thread and closes it. */
  default MemorySnapshotStore snapshotOf(KeyedStateBackend<?> backend) {
    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1)) {
      return write(snapshot);
    }
  }

  /** Writes {@code snapshot} to a new store (without closing it). */
  default MemorySnapshotStore write(StateSnapshot snapshot) {
    MemorySnapshotStore store = new MemorySnapshotStore("snapshot " + snapshot.checkpointId());
    try {
      snapshot.writeTo(store);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return store;
  }

  /**
   * Returns every key's content of the given states, as listed by {@code keys(state)}: state name ->
   * key -> value, list or map (byte arrays compared by contents). Registers the states if needed;
   * restores the current key.
   */
  default Map<String, Map<Object, Object>> contents(
      KeyedStateBackend<?> backend, StateDescriptor<?>... descriptors) {
    return StateContents.dump(backend, List.of(descriptors));
  }

  /** Checks the invariants on the test's open backends, then closes them. */
  @AfterEach
  default void checkInvariantsAndCloseBackends() {
    KitInvariants.checkAndClose(this);
  }
}
