package dev.cairn.state.kit;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.KeyedStateFunction;
import dev.cairn.state.State;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Delegates every call to the backend under test and remembers, for the invariant checks after each
 * test, the states registered and the keys set (up to {@link #KEY_LIMIT} distinct keys).
 */
final class TrackingBackend<K> implements KeyedStateBackend<K>, Snapshotable {

  /** Beyond this many distinct keys, the invariant checks sample instead of checking every key. */
  static final int KEY_LIMIT = 10_000;

  final KeyedStateBackend<K> delegate;
  final Map<String, StateDescriptor<?>> registered = new LinkedHashMap<>();
  final Map<Object, K> keysSet = new LinkedHashMap<>();
  boolean tooManyKeys;
  boolean closeCalled;

  TrackingBackend(KeyedStateBackend<K> delegate) {
    this.delegate = delegate;
  }

  @Override
  public void setCurrentKey(K key) {
    delegate.setCurrentKey(key);
    if (!tooManyKeys) {
      keysSet.putIfAbsent(StateContents.normalize(key), key);
      tooManyKeys = keysSet.size() > KEY_LIMIT;
    }
  }

  @Override
  public K getCurrentKey() {
    return delegate.getCurrentKey();
  }

  @Override
  public int getCurrentKeyGroup() {
    return delegate.getCurrentKeyGroup();
  }

  @Override
  public <S extends State> S getState(StateDescriptor<S> descriptor) {
    S state = delegate.getState(descriptor);
    registered.putIfAbsent(descriptor.name(), descriptor);
    return state;
  }

  @Override
  public Stream<K> keys(String stateName) {
    return delegate.keys(stateName);
  }

  @Override
  public <S extends State> void applyToAllKeys(
      StateDescriptor<S> descriptor, KeyedStateFunction<K, S> function) {
    delegate.applyToAllKeys(descriptor, function);
  }

  @Override
  public TypeSerializer<K> keySerializer() {
    return delegate.keySerializer();
  }

  @Override
  public int maxParallelism() {
    return delegate.maxParallelism();
  }

  @Override
  public KeyGroupRange keyGroupRange() {
    return delegate.keyGroupRange();
  }

  @Override
  public StateSnapshot snapshot(long checkpointId, SnapshotMode mode) {
    return Snapshotable.of(delegate).snapshot(checkpointId, mode);
  }

  @Override
  public void restore(Collection<SnapshotInput> inputs) {
    Snapshotable.of(delegate).restore(inputs);
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    Snapshotable.of(delegate).notifyCheckpointComplete(checkpointId);
  }

  @Override
  public void notifyCheckpointAborted(long checkpointId) {
    Snapshotable.of(delegate).notifyCheckpointAborted(checkpointId);
  }

  @Override
  public void notifyCheckpointSubsumed(long checkpointId) {
    Snapshotable.of(delegate).notifyCheckpointSubsumed(checkpointId);
  }

  @Override
  public void close() {
    closeCalled = true;
    delegate.close();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
