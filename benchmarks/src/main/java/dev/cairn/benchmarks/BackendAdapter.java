package dev.cairn.benchmarks;

import java.nio.file.Path;
import java.util.Map;

/**
 * The small surface every benchmarked backend is driven through, so that one benchmark class
 * measures Cairn's and Flink's backends alike. Keys, values, list elements and map entries are all
 * {@code Long}; reducing and aggregating states sum. Implementations are found by name through
 * {@link BackendAdapters}.
 */
public interface BackendAdapter extends AutoCloseable {

  /** Sets the key the next state accesses apply to. */
  void setCurrentKey(Long key);

  /** Registers (or returns) the value state {@code name}. */
  ValueAccess value(String name) throws Exception;

  /** Registers (or returns) the list state {@code name}. */
  ListAccess list(String name) throws Exception;

  /** Registers (or returns) the map state {@code name}. */
  MapAccess map(String name) throws Exception;

  /** Registers (or returns) the reducing state {@code name}, whose function is {@code Long::sum}. */
  AddAccess reducing(String name) throws Exception;

  /** Registers (or returns) the aggregating state {@code name}: a sum with a {@code Long} accumulator. */
  AddAccess aggregating(String name) throws Exception;

  /**
   * Brings the backend to its steady state after filling: RocksDB backends flush their memtables
   * and compact (as Flink's own state benchmarks do); heap backends do nothing.
   */
  void compact() throws Exception;

  /**
   * Returns the bytes of the backend's data files on disk (RocksDB's SST files; measure after {@link
   * #compact()}), or -1 for a backend that keeps its state on the heap.
   */
  default long diskBytes() throws Exception {
    return -1;
  }

  /** Takes the synchronous part of a checkpoint (the processing pause) and returns the rest. */
  PendingSnapshot snapshot(long checkpointId, Path directory) throws Exception;

  /**
   * Takes the synchronous part of a checkpoint; {@code incremental = false} is {@link #snapshot(long,
   * Path)}. An incremental checkpoint goes into {@code jobDirectory}, which all of this backend's
   * incremental checkpoints share (each in a directory of its own there, next to the shared files
   * they reference), and writes only what the last checkpoint passed to {@link
   * #checkpointCompleted} does not hold; {@link PendingSnapshot#complete()} returns the bytes it
   * wrote, not those it references. It becomes a complete checkpoint in {@link #checkpointCompleted}.
   *
   * @throws UnsupportedOperationException if this backend has no incremental checkpoints
   */
  default PendingSnapshot snapshot(long checkpointId, Path jobDirectory, boolean incremental) throws Exception {
    if (!incremental) {
      return snapshot(checkpointId, jobDirectory);
    }
    throw new UnsupportedOperationException(getClass().getName() + " has no incremental checkpoints");
  }

  /**
   * Completes incremental checkpoint {@code checkpointId}, whose {@link PendingSnapshot#complete()}
   * returned: commits it where the backend's checkpoint machinery does so, then tells the backend
   * (Flink's {@code notifyCheckpointComplete}), so that the next incremental checkpoint builds on it.
   *
   * @throws UnsupportedOperationException if this backend has no incremental checkpoints
   */
  default void checkpointCompleted(long checkpointId) throws Exception {
    throw new UnsupportedOperationException(getClass().getName() + " has no incremental checkpoints");
  }

  /**
   * Housekeeping after {@link #checkpointCompleted}, which a checkpoint's time does not include:
   * removes the incremental checkpoints beyond those retained (Cairn's coordinator does this on its
   * thread after completing the checkpoint's future). Flink's task does nothing here: its job
   * manager discards subsumed checkpoints, which these benchmarks do not run.
   */
  default void expireCheckpoints() throws Exception {}

  /**
   * Opens a new backend of the same kind with the state of the completed incremental checkpoint
   * {@code checkpointId} in {@code jobDirectory}, restored natively (RocksDB: its files placed, not
   * re-inserted), every state named in {@code stateNames} registered as a value state.
   *
   * @throws UnsupportedOperationException if this backend has no incremental checkpoints
   */
  default BackendAdapter restoreIncremental(Path jobDirectory, long checkpointId, String... stateNames)
      throws Exception {
    throw new UnsupportedOperationException(getClass().getName() + " has no incremental checkpoints");
  }

  /**
   * Opens a new backend of the same kind with the state of a checkpoint written by {@link
   * PendingSnapshot#complete()} into {@code directory}, every state named in {@code stateNames}
   * registered as a value state (lazy restores included).
   */
  BackendAdapter restore(Path directory, String... stateNames) throws Exception;

  /** A value state of the current key. */
  interface ValueAccess {
    Long get() throws Exception;

    void update(Long value) throws Exception;
  }

  /** A list state of the current key. */
  interface ListAccess {
    void add(Long element) throws Exception;

    Iterable<Long> get() throws Exception;
  }

  /** A map state of the current key. */
  interface MapAccess {
    void put(Long key, Long value) throws Exception;

    Long get(Long key) throws Exception;

    boolean contains(Long key) throws Exception;

    Iterable<Map.Entry<Long, Long>> entries() throws Exception;
  }

  /** A reducing or aggregating state of the current key. */
  interface AddAccess {
    void add(Long value) throws Exception;

    Long get() throws Exception;
  }

  /** A checkpoint whose synchronous part was taken. */
  interface PendingSnapshot extends AutoCloseable {

    /** Runs the asynchronous part: writes the files; returns the bytes written. */
    long complete() throws Exception;

    /** Releases the snapshot, written or not. */
    @Override
    void close() throws Exception;
  }
}
