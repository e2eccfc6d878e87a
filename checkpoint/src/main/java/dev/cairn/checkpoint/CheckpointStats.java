package dev.cairn.checkpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one checkpoint cost, or why it failed.
 *
 * @param checkpointId the checkpoint's id
 * @param savepoint whether it is a savepoint
 * @param status completed, failed (failed, timed out or subsumed), or cancelled by {@code close()}
 * @param triggerTime when it was triggered
 * @param synchronousDuration the longest synchronous part of any participant (the processing pause)
 * @param asynchronousDuration the longest asynchronous part of any participant
 * @param totalDuration from trigger to completion or failure
 * @param sizeBytes bytes of every file the checkpoint lists, metadata included: what a restore reads (0
 *     when failed)
 * @param incrementalSizeBytes bytes this checkpoint wrote, metadata included; smaller than {@code
 *     sizeBytes} when it references shared files stored by earlier checkpoints (0 when failed)
 * @param stateCount keyed states in the checkpoint over all participants
 * @param failureCause why it failed, or null
 * @param safePointDelays per participant (by index), the time from the trigger until its task thread
 *     reached the safe point ({@code checkpointIfPending()}) and took its part: Cairn's analogue of
 *     Flink's barrier alignment. For a participant that had not reached it when the checkpoint ended,
 *     the time until the end (a lower bound)
 */
public record CheckpointStats(
    long checkpointId,
    boolean savepoint,
    Status status,
    Instant triggerTime,
    Duration synchronousDuration,
    Duration asynchronousDuration,
    Duration totalDuration,
    long sizeBytes,
    long incrementalSizeBytes,
    int stateCount,
    Throwable failureCause,
    List<Duration> safePointDelays) {

  /** Copies {@code safePointDelays}. */
  public CheckpointStats {
    safePointDelays = List.copyOf(safePointDelays);
  }

  /** Returns the longest safe-point delay of any participant, or zero if there is none. */
  public Duration maxSafePointDelay() {
    return safePointDelays.stream().max(Duration::compareTo).orElse(Duration.ZERO);
  }

  /** A checkpoint's outcome: {@code CANCELLED} when it was pending as the coordinator was closed. */
  public enum Status {
    COMPLETED,
    FAILED,
    CANCELLED
  }
}
