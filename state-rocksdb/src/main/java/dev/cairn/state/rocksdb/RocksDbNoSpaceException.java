package dev.cairn.state.rocksdb;

import org.rocksdb.RocksDBException;

/**
 * Thrown when a write fails because the working directory ran out of space: the disk is full, or an
 * {@code SstFileManager}'s limit (set through the options customizer) is reached. RocksDB then
 * refuses every write until a flush succeeds again; it retries by itself every few seconds, so
 * writes succeed again soon after space is freed, and nothing acknowledged is lost (unflushed state
 * stays in memory). If writes keep failing with space free, close the backend and restore the last
 * checkpoint into a new one.
 */
public final class RocksDbNoSpaceException extends RocksDbStateException {

  private static final long serialVersionUID = 1L;

  private final String workingDirectory;

  RocksDbNoSpaceException(String operation, String stateName, String workingDirectory, RocksDBException cause) {
    super(message(operation, stateName, cause) + ": no space left in the working directory " + workingDirectory
        + ". Free space there: RocksDB retries its flush every few seconds and accepts writes again once it"
        + " succeeds (writes acknowledged before are kept). If writes still fail with space free, close the"
        + " backend and restore the last checkpoint into a new one", cause);
    this.workingDirectory = workingDirectory;
  }

  /** Returns the working directory that needs space. */
  public String workingDirectory() {
    return workingDirectory;
  }
}
