package dev.cairn.state.rocksdb;

import dev.cairn.state.BackendClosedException;
import dev.cairn.state.spi.SnapshotOutput;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;

/**
 * The lifecycle both RocksDB snapshots share: written at most once, closed any number of times, and
 * what it pins (a native snapshot, the live files) released exactly once, never while a
 * write is in progress. A writer checks {@link #checkNotClosing(ResourceGuard)} between chunks of
 * work, so closing the snapshot or the backend stops it promptly.
 */
abstract class SingleWriteSnapshot implements StateSnapshot {

  private final long checkpointId;
  private boolean written;
  private boolean writing;
  private volatile boolean closed;
  private boolean released;

  SingleWriteSnapshot(long checkpointId) {
    this.checkpointId = checkpointId;
  }

  @Override
  public final long checkpointId() {
    return checkpointId;
  }

  @Override
  public final SnapshotResult writeTo(SnapshotOutput output) throws IOException {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("snapshot " + checkpointId + " is closed");
      }
      if (written) {
        throw new IllegalStateException("snapshot " + checkpointId + " was written already");
      }
      written = true;
      writing = true;
    }
    try {
      return write(output);
    } finally {
      synchronized (this) {
        writing = false;
        if (closed) {
          releaseOnce();
        }
      }
    }
  }

  @Override
  public final void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (!writing) {
        releaseOnce();
      }
    }
  }

  private void releaseOnce() {
    if (!released) {
      released = true;
      release();
    }
  }

  /** Fails the write in progress if the backend or this snapshot is being closed. */
  final void checkNotClosing(ResourceGuard guard) {
    if (guard.isClosing()) {
      throw new BackendClosedException(
          "the RocksDB backend was closed while snapshot " + checkpointId + " was being written");
    }
    if (closed) {
      throw new IllegalStateException("snapshot " + checkpointId + " was closed while being written");
    }
  }

  /** The asynchronous part; called at most once. */
  abstract SnapshotResult write(SnapshotOutput output) throws IOException;

  /**
   * Releases what the snapshot pins; called exactly once, by {@link #close()} or, if the snapshot
   * is closed while written, when the write ends; never during {@link #write}.
   */
  abstract void release();
}
