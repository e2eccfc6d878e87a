package dev.cairn.checkpoint;

import dev.cairn.checkpoint.internal.CheckpointMetadata;
import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.state.spi.SnapshotMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A checkpoint between trigger and completion or abort. Participants' parts are filled in by their
 * asynchronous tasks; completion and abort are decided by the coordinator under its lock. Once the
 * coordinator starts committing the metadata, an abort (a timeout, a close) no longer deletes the
 * files: the commit decides.
 */
final class PendingCheckpoint {

  final long id;
  final CheckpointStorage directory;
  final boolean savepoint;
  final SnapshotMode mode;
  final Instant triggerTime;
  final long triggerNanos;
  final CompletableFuture<CompletedCheckpoint> future = new CompletableFuture<>();

  private final CheckpointMetadata.Participant[] parts;
  /** Per participant, nanoseconds from trigger to its safe point; -1 until it gets there. */
  private final long[] safePointDelays;
  private int acknowledged;
  private long maxSyncNanos;
  private long maxAsyncNanos;
  private long bytesWritten;
  private int runningTasks;
  private boolean committing;
  private volatile boolean discarded;
  private final AtomicBoolean cleaned = new AtomicBoolean();
  ScheduledFuture<?> timeout;
  ScheduledFuture<?> safePointWarning;

  PendingCheckpoint(
      long id, CheckpointStorage directory, boolean savepoint, SnapshotMode mode, Instant triggerTime, int participants) {
    this.id = id;
    this.directory = directory;
    this.savepoint = savepoint;
    this.mode = mode;
    this.triggerTime = triggerTime;
    this.triggerNanos = System.nanoTime();
    this.parts = new CheckpointMetadata.Participant[participants];
    this.safePointDelays = new long[participants];
    Arrays.fill(safePointDelays, -1);
  }

  /** Records that participant {@code index} reached its safe point for this checkpoint at {@code nanos}. */
  synchronized void reachedSafePoint(int index, long nanos) {
    safePointDelays[index] = nanos - triggerNanos;
  }

  /**
   * Returns, per participant, the time from trigger to its safe point; for one that has not got
   * there, the time from trigger to {@code nowNanos} (it is at least that late).
   */
  synchronized List<Duration> safePointDelays(long nowNanos) {
    List<Duration> delays = new ArrayList<>(safePointDelays.length);
    for (long delay : safePointDelays) {
      delays.add(Duration.ofNanos(delay >= 0 ? delay : nowNanos - triggerNanos));
    }
    return delays;
  }

  /** Cancels the timeout and the safe-point warning: the checkpoint completed or was aborted. */
  void cancelTimers() {
    if (timeout != null) {
      timeout.cancel(false);
    }
    if (safePointWarning != null) {
      safePointWarning.cancel(false);
    }
  }

  /** Whether the checkpoint was aborted; its tasks stop writing as soon as they notice. */
  boolean isDiscarded() {
    return discarded;
  }

  /**
   * Counts a task's asynchronous part as running; returns false (counting nothing) if the checkpoint
   * was discarded already: its files may be removed at this very moment, so the task must not write.
   */
  synchronized boolean taskStarted() {
    if (discarded) {
      return false;
    }
    runningTasks++;
    return true;
  }

  /** Returns true if this was the last running task of a discarded checkpoint (its files can go). */
  synchronized boolean taskFinished() {
    runningTasks--;
    return discarded && runningTasks == 0;
  }

  /** Marks the checkpoint discarded; returns true if no task is running (its files can go now). */
  synchronized boolean discard() {
    discarded = true;
    return runningTasks == 0;
  }

  /** Starts the commit unless already discarded; from here on only the commit decides about the files. */
  synchronized boolean startCommit() {
    if (discarded) {
      return false;
    }
    committing = true;
    return true;
  }

  /** The commit failed: an abort may delete the files again. */
  synchronized void commitFailed() {
    committing = false;
  }

  synchronized boolean isCommitting() {
    return committing;
  }

  /** Returns true exactly once: whoever gets true deletes the files. */
  boolean claimCleanup() {
    return cleaned.compareAndSet(false, true);
  }

  /** Records a participant's part; returns true when every participant has acknowledged. */
  synchronized boolean acknowledge(
      int index, CheckpointMetadata.Participant part, long syncNanos, long asyncNanos, long bytes) {
    if (parts[index] != null) {
      throw new IllegalStateException("participant " + index + " acknowledged checkpoint " + id + " twice");
    }
    parts[index] = part;
    acknowledged++;
    maxSyncNanos = Math.max(maxSyncNanos, syncNanos);
    maxAsyncNanos = Math.max(maxAsyncNanos, asyncNanos);
    bytesWritten += bytes;
    return acknowledged == parts.length;
  }

  synchronized CheckpointMetadata.Participant[] parts() {
    return parts.clone();
  }

  synchronized long maxSyncNanos() {
    return maxSyncNanos;
  }

  synchronized long maxAsyncNanos() {
    return maxAsyncNanos;
  }

  /** Returns the bytes the participants' asynchronous parts wrote. */
  synchronized long bytesWritten() {
    return bytesWritten;
  }
}
