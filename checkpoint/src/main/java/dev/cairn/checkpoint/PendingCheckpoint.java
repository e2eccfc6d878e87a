package dev.cairn.checkpoint;

import dev.cairn.checkpoint.storage.CheckpointMetadata;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A checkpoint between trigger and completion or abort. Participants' parts are filled in by their
 * asynchronous tasks; completion and abort are decided by the coordinator under its lock.
 */
final class PendingCheckpoint {

  final long id;
  final Path directory;
  final boolean savepoint;
  final Instant triggerTime;
  final long triggerNanos;
  final CompletableFuture<CompletedCheckpoint> future = new CompletableFuture<>();

  private final CheckpointMetadata.Participant[] parts;
  private int acknowledged;
  private long maxSyncNanos;
  private long maxAsyncNanos;
  private int runningTasks;
  private volatile boolean discarded;
  private final AtomicBoolean cleaned = new AtomicBoolean();
  ScheduledFuture<?> timeout;

  PendingCheckpoint(long id, Path directory, boolean savepoint, Instant triggerTime, int participants) {
    this.id = id;
    this.directory = directory;
    this.savepoint = savepoint;
    this.triggerTime = triggerTime;
    this.triggerNanos = System.nanoTime();
    this.parts = new CheckpointMetadata.Participant[participants];
  }

  /** Whether the checkpoint was aborted; its tasks stop writing as soon as they notice. */
  boolean isDiscarded() {
    return discarded;
  }

  synchronized void taskStarted() {
    runningTasks++;
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

  /** Returns true exactly once: whoever gets true deletes the files. */
  boolean claimCleanup() {
    return cleaned.compareAndSet(false, true);
  }

  /** Records a participant's part; returns true when every participant has acknowledged. */
  synchronized boolean acknowledge(int index, CheckpointMetadata.Participant part, long syncNanos, long asyncNanos) {
    if (parts[index] != null) {
      throw new IllegalStateException("participant " + index + " acknowledged checkpoint " + id + " twice");
    }
    parts[index] = part;
    acknowledged++;
    maxSyncNanos = Math.max(maxSyncNanos, syncNanos);
    maxAsyncNanos = Math.max(maxAsyncNanos, asyncNanos);
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
}
