package dev.cairn.checkpoint.metrics;

/**
 * One participant's keyed backend, as the MBean {@code dev.cairn:type=Backend,job=<job>,backend=task-<i>}.
 * Figures are at most one second old; see the checkpoint README for each figure's meaning.
 */
public interface BackendMXBean {

  /** {@code heap} or {@code rocksdb}. */
  String getKind();

  /** Entries of every registered state. */
  long getEntries();

  /** Estimated bytes of every registered state. */
  long getBytes();

  /** Bytes of the memory budget in use, or -1 without a budget (heap). */
  long getMemoryUsedBytes();

  /** The memory budget, or -1 without one (heap). */
  long getMemoryBudgetBytes();

  /** Write stalls and slow-downs since the database opened (RocksDB), 0 for the heap. */
  long getWriteStalls();

  /** Trigger-to-safe-point delay of this participant in the last completed checkpoint, in microseconds. */
  long getLastSafePointDelayMicros();

  /** Bytes read by the last restore, or 0. */
  long getLastRestoreBytes();

  /** Entries loaded by the last restore, or 0. */
  long getLastRestoreEntries();

  /** Duration of the last restore in milliseconds, or 0. */
  long getLastRestoreMillis();

  /** Bytes per second of the last restore, or 0. */
  double getLastRestoreBytesPerSecond();

  /** Entries per second of the last restore, or 0. */
  double getLastRestoreEntriesPerSecond();
}
