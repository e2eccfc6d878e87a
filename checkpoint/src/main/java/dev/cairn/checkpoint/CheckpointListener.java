package dev.cairn.checkpoint;

/**
 * Hears about checkpoints. Called on the coordinator's thread, one call at a time, in order; keep
 * calls short. Completed ids are strictly increasing: an older checkpoint still pending when a newer
 * one completes is aborted (subsumed), and a savepoint that completes after a newer checkpoint is not
 * announced (the newer completion already covers its updates).
 */
public interface CheckpointListener {

  /**
   * The checkpoint is durable: every update made before its synchronous point is acknowledged and
   * survives any crash. Sinks commit here.
   */
  default void notifyCheckpointComplete(long checkpointId) {}

  /** The checkpoint failed, timed out, was subsumed or was cancelled by {@code close()}; its files are removed. */
  default void notifyCheckpointAborted(long checkpointId, Throwable cause) {}

  /** Statistics of a finished (completed or failed) checkpoint. */
  default void onCheckpointStats(CheckpointStats stats) {}
}
