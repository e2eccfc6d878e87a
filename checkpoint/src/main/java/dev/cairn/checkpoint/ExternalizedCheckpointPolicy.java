package dev.cairn.checkpoint;

/** What happens to completed checkpoints when the coordinator is closed (the application cancelled). */
public enum ExternalizedCheckpointPolicy {
  /** Keep them: the next start restores the latest. The default. */
  RETAIN_ON_CANCELLATION,
  /** Delete them: a clean cancellation leaves no checkpoint behind (a crash still does). */
  DELETE_ON_CANCELLATION
}
