package dev.cairn.checkpoint;

/**
 * Who owns a restored checkpoint's files afterwards.
 *
 * <ul>
 *   <li>{@link #CLAIM}: the job owns them. The restored checkpoint counts as one of the job's
 *       retained checkpoints (retention removes it in turn), and incremental checkpoints may
 *       reference its shared files instead of storing them again. Only for checkpoints of the
 *       coordinator's own job directory; the default of {@code restoreLatest()}.
 *   <li>{@link #NO_CLAIM}: the job never deletes a file it did not create, and its first checkpoint
 *       references none of the restored files (incremental backends store everything anew). The
 *       default of {@code restore(path)}, and the only mode for checkpoints of another job directory
 *       and for savepoints.
 * </ul>
 */
public enum RestoreMode {
  /** The job takes ownership of the restored checkpoint. */
  CLAIM,
  /** The restored checkpoint stays untouched. */
  NO_CLAIM
}
