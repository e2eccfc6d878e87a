package dev.cairn.state.spi;

import java.io.IOException;

/**
 * The state of a backend frozen at a snapshot's synchronous part. May be written from any thread,
 * once. Must be closed, written or not, to release what it pins (copy-on-write versions, native
 * snapshots).
 */
public interface StateSnapshot extends AutoCloseable {

  /** Returns the checkpoint id given to {@link Snapshotable#snapshot(long)}. */
  long checkpointId();

  /**
   * Writes the frozen state to {@code output}: the asynchronous part of a checkpoint.
   *
   * @return what was written
   * @throws IOException if the output fails
   * @throws IllegalStateException if called twice or after close
   */
  SnapshotResult writeTo(SnapshotOutput output) throws IOException;

  /** Releases the snapshot. Idempotent. */
  @Override
  void close();
}
