package dev.cairn.checkpoint.metrics;

/**
 * A job's checkpoint figures, as the MBean {@code dev.cairn:type=Checkpoints,job=<job>}. "Last"
 * figures are those of the last completed checkpoint (0 before the first); see the checkpoint README
 * for each figure's meaning.
 */
public interface CheckpointsMXBean {

  /** Checkpoints completed since the coordinator was built. */
  long getCompleted();

  /** Checkpoints failed or timed out since the coordinator was built. */
  long getFailed();

  /** Checkpoints cancelled by closing the coordinator. */
  long getCancelled();

  /** Failures since the last completed checkpoint. */
  int getConsecutiveFailures();

  /** The id of the last completed checkpoint, or -1. */
  long getLastCheckpointId();

  /** Trigger to completion of the last completed checkpoint, in milliseconds. */
  long getLastDurationMillis();

  /** The longest synchronous part (the processing pause) of the last completed checkpoint, in microseconds. */
  long getLastSynchronousMicros();

  /** The longest asynchronous part of the last completed checkpoint, in milliseconds. */
  long getLastAsynchronousMillis();

  /** The longest trigger-to-safe-point delay of any participant in the last completed checkpoint, in microseconds. */
  long getLastMaxSafePointDelayMicros();

  /** Bytes a restore of the last completed checkpoint reads. */
  long getLastSizeBytes();

  /** Bytes the last completed checkpoint wrote (less than its size when incremental). */
  long getLastIncrementalSizeBytes();

  /** The id of the last failed checkpoint, or -1. */
  long getLastFailedCheckpointId();

  /** Why the last failed checkpoint failed, or an empty string. */
  String getLastFailureCause();
}
