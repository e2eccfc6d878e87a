package dev.cairn.checkpoint;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.spi.Snapshotable;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * One task thread's membership in checkpoints: its keyed backend and operator state. The task thread
 * calls {@link #checkpointIfPending()} between records, or {@link #checkpointNow()}; those are the only
 * places its state is captured. A checkpoint waits for every participant's safe point, so a task thread
 * never waits for a checkpoint it did not take its part of.
 */
public final class CheckpointParticipant {

  private final CheckpointCoordinator coordinator;
  private final int index;
  private final KeyedStateBackend<?> backend;
  private final OperatorStateStore operatorState;
  private final Queue<PendingCheckpoint> queue = new ConcurrentLinkedQueue<>();
  private final Queue<Consumer<Snapshotable>> notifications = new ConcurrentLinkedQueue<>();
  private volatile boolean hasPending;
  private Runnable beforeSnapshot;

  CheckpointParticipant(
      CheckpointCoordinator coordinator, int index, KeyedStateBackend<?> backend, OperatorStateStore operatorState) {
    this.coordinator = coordinator;
    this.index = index;
    this.backend = backend;
    this.operatorState = operatorState;
  }

  /** Returns this participant's index, its position among the coordinator's participants. */
  public int index() {
    return index;
  }

  /** Returns the participant's keyed backend. */
  public KeyedStateBackend<?> backend() {
    return backend;
  }

  /** Returns the participant's operator state. */
  public OperatorStateStore operatorState() {
    return operatorState;
  }

  /**
   * Sets a hook that runs on the task thread right before each synchronous part, to move what the
   * task keeps in local variables (a source position, say) into operator state only when needed.
   *
   * @throws IllegalStateException if already set
   */
  public void beforeSnapshot(Runnable hook) {
    if (beforeSnapshot != null) {
      throw new IllegalStateException("the before-snapshot hook is already set");
    }
    if (hook == null) {
      throw new IllegalArgumentException("hook must not be null");
    }
    beforeSnapshot = hook;
  }

  /**
   * The safe point: tells the keyed backend how earlier checkpoints ended, and if a checkpoint is
   * pending, takes this participant's synchronous part (a short freeze of keyed and operator state)
   * and hands the rest to a background thread. Costs one volatile read otherwise. Call on the task
   * thread, between records, often (every record is fine).
   *
   * @return whether a synchronous part was taken
   * @throws CheckpointException if more consecutive checkpoints failed than tolerated: the
   *     application should stop (and restart from the latest checkpoint)
   */
  public boolean checkpointIfPending() {
    if (!hasPending) {
      return false;
    }
    coordinator.checkNotFailed(); // before clearing the flag: once failed, every call throws
    hasPending = false;
    Consumer<Snapshotable> notification;
    while ((notification = notifications.poll()) != null) {
      notification.accept(Snapshotable.of(backend));
    }
    boolean took = false;
    PendingCheckpoint pending;
    while ((pending = queue.poll()) != null) {
      if (!pending.isDiscarded()) {
        if (beforeSnapshot != null) {
          beforeSnapshot.run();
        }
        coordinator.takeSynchronousPart(this, pending);
        took = true;
      }
    }
    return took;
  }

  /**
   * Triggers a checkpoint and takes this participant's part at once, here: a safe point on the
   * task thread, as {@link #checkpointIfPending()} (which it calls) would. This is how a task thread
   * checkpoints and waits: the result of {@link CheckpointCoordinator#triggerCheckpoint()} needs this
   * thread's next safe point, so waiting for it here would never end.
   *
   * @return completes when the checkpoint is durable (once the other participants, if any, took their
   *     parts too), or exceptionally when it is aborted
   * @throws CheckpointException as {@link #checkpointIfPending()}
   */
  public CompletableFuture<CompletedCheckpoint> checkpointNow() {
    return atSafePoint(coordinator.triggerCheckpoint());
  }

  /**
   * Triggers a savepoint into {@code targetDirectory} and takes this participant's part at once, here:
   * {@link #checkpointNow()} for {@link CheckpointCoordinator#triggerSavepoint(Path)}.
   */
  public CompletableFuture<CompletedCheckpoint> savepointNow(Path targetDirectory) {
    return atSafePoint(coordinator.triggerSavepoint(targetDirectory));
  }

  /**
   * Triggers a savepoint to {@code location} (a local directory or a storage URI such as {@code
   * s3://bucket/savepoints/x}) and takes this participant's part at once, here: {@link
   * #checkpointNow()} for {@link CheckpointCoordinator#triggerSavepoint(String)}.
   */
  public CompletableFuture<CompletedCheckpoint> savepointNow(String location) {
    return atSafePoint(coordinator.triggerSavepoint(location));
  }

  private CompletableFuture<CompletedCheckpoint> atSafePoint(CompletableFuture<CompletedCheckpoint> triggered) {
    checkpointIfPending();
    return triggered;
  }

  /** Whether {@code checkpoint} waits for this participant's synchronous part. */
  boolean awaits(PendingCheckpoint checkpoint) {
    return queue.contains(checkpoint);
  }

  void enqueue(PendingCheckpoint pending) {
    queue.add(pending);
    hasPending = true;
  }

  /** Queues a call for the keyed backend, made on the task thread at its next safe point. */
  void notifyBackend(Consumer<Snapshotable> notification) {
    notifications.add(notification);
    hasPending = true;
  }

  void wakeUp() {
    hasPending = true;
  }
}
