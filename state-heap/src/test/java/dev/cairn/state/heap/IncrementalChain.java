package dev.cairn.state.heap;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Incremental checkpoints of one backend into stores that share a pool of shared files, as the
 * checkpoint module would drive them: snapshot, write, then complete or abort.
 */
final class IncrementalChain {

  static final String FORMAT = HeapIncrementalFormat.FORMAT;

  private final MemorySnapshotStore pool;
  private final KeyedStateBackend<?> backend;
  SnapshotResult lastResult;

  IncrementalChain(KeyedStateBackend<?> backend) {
    this(backend, new MemorySnapshotStore("pool"));
  }

  /** A chain of {@code backend} whose stores share {@code pool}'s shared files. */
  IncrementalChain(KeyedStateBackend<?> backend, MemorySnapshotStore pool) {
    this.backend = backend;
    this.pool = pool;
  }

  MemorySnapshotStore pool() {
    return pool;
  }

  /** Takes the synchronous part of incremental snapshot {@code id}. */
  StateSnapshot snapshot(long id) {
    return Snapshotable.of(backend).snapshot(id, SnapshotMode.INCREMENTAL);
  }

  /** Writes {@code snapshot} into a new store of the pool, described as "chk-id", and closes it. */
  MemorySnapshotStore write(StateSnapshot snapshot) {
    MemorySnapshotStore store = pool.next("chk-" + snapshot.checkpointId());
    try (snapshot) {
      lastResult = snapshot.writeTo(store);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return store;
  }

  /** Snapshot, write and complete checkpoint {@code id}. */
  MemorySnapshotStore checkpoint(long id) {
    MemorySnapshotStore store = write(snapshot(id));
    complete(id);
    return store;
  }

  void complete(long id) {
    Snapshotable.of(backend).notifyCheckpointComplete(id);
  }

  void abort(long id) {
    Snapshotable.of(backend).notifyCheckpointAborted(id);
  }

  /** The store as a no-claim or claim restore sees it. */
  static SnapshotInput input(MemorySnapshotStore store, boolean claim) {
    return store.input(FORMAT, claim);
  }
}
