package dev.cairn.ttl;

import dev.cairn.state.State;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;

/**
 * A TTL backend with {@code Long} keys over one backend kind, a manual clock, and restarts: snapshot,
 * close, restore into a fresh TTL backend with the same configuration.
 */
final class TtlHarness implements AutoCloseable {

  final Backends kind;
  final TtlConfig config;
  final ManualClock clock = new ManualClock(1_000);
  TtlStateBackend<Long> backend;
  SnapshotResult lastSnapshot;
  private long checkpointId;

  TtlHarness(Backends kind, TtlConfig config) {
    this.kind = kind;
    this.config = config;
    this.backend = create();
  }

  TtlStateBackend<Long> create() {
    return TtlStateBackend.wrap(kind.create(Serializers.LONG), config, clock);
  }

  /** Sets the clock. */
  TtlHarness at(long millis) {
    clock.set(millis);
    return this;
  }

  <S extends State> S state(StateDescriptor<S> descriptor) {
    return backend.getState(descriptor);
  }

  TtlHarness key(long key) {
    backend.setCurrentKey(key);
    return this;
  }

  /** Snapshots the backend into a new store. */
  MemorySnapshotStore snapshot() {
    MemorySnapshotStore store = new MemorySnapshotStore("checkpoint " + (checkpointId + 1));
    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(++checkpointId)) {
      lastSnapshot = snapshot.writeTo(store);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return store;
  }

  /** Snapshot, close, and restore into a fresh TTL backend; the current key is set again. */
  void restart() {
    MemorySnapshotStore store = snapshot();
    Long key = backend.getCurrentKey();
    backend.close();
    backend = create();
    Snapshotable.of(backend).restore(List.of(store.input()));
    if (key != null) {
      backend.setCurrentKey(key);
    }
  }

  /** The keys the TTL backend lists for a state (registered first). */
  List<Long> keys(StateDescriptor<?> descriptor) {
    backend.getState(descriptor);
    try (Stream<Long> keys = backend.keys(descriptor.name())) {
      return keys.sorted().toList();
    }
  }

  /** The number of keys the wrapped backend holds for a state (registered first), expired or not. */
  long storedKeys(StateDescriptor<?> descriptor) {
    backend.getState(descriptor);
    try (Stream<Long> keys = backend.wrapped().keys(descriptor.name())) {
      return keys.count();
    }
  }

  @Override
  public void close() {
    backend.close();
  }
}
