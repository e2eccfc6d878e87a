package dev.cairn.checkpoint;

/**
 * A coordinator's checkpoint figures at one moment: an immutable value, from {@link
 * CheckpointCoordinator#metrics()}. Savepoints count like checkpoints; subsumed checkpoints (a newer
 * one completed first) count as neither completed nor failed.
 *
 * @param completed checkpoints completed since the coordinator was built
 * @param failed checkpoints that failed or timed out since the coordinator was built
 * @param cancelled checkpoints cancelled by {@code close()}
 * @param consecutiveFailures failures since the last completed checkpoint (the count {@link
 *     CheckpointCoordinator.Builder#tolerableConsecutiveFailures} limits)
 * @param lastCompleted the statistics of the last completed checkpoint, or null
 * @param lastFailed the statistics of the last failed checkpoint, with its {@link
 *     CheckpointStats#failureCause()}, or null
 */
public record CheckpointMetrics(
    long completed,
    long failed,
    long cancelled,
    int consecutiveFailures,
    CheckpointStats lastCompleted,
    CheckpointStats lastFailed) {

  /** Keeps the current figures; the coordinator records each checkpoint's end, readers take the value. */
  static final class Recorder {
    private volatile CheckpointMetrics current = new CheckpointMetrics(0, 0, 0, 0, null, null);

    CheckpointMetrics current() {
      return current;
    }

    /**
     * Records a completed, failed or cancelled checkpoint.
     *
     * @param consecutiveFailures the coordinator's count after it; ignored for a cancelled one
     */
    synchronized void record(CheckpointStats stats, int consecutiveFailures) {
      CheckpointMetrics c = current;
      current = switch (stats.status()) {
        case COMPLETED -> new CheckpointMetrics(c.completed + 1, c.failed, c.cancelled, 0, stats, c.lastFailed);
        case FAILED -> new CheckpointMetrics(c.completed, c.failed + 1, c.cancelled, consecutiveFailures, c.lastCompleted, stats);
        case CANCELLED -> new CheckpointMetrics(c.completed, c.failed, c.cancelled + 1, c.consecutiveFailures, c.lastCompleted, c.lastFailed);
      };
    }
  }
}
