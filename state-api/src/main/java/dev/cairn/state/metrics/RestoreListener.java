package dev.cairn.state.metrics;

/**
 * Hears how a backend's restore goes: one start, progress at the configured interval (see {@code
 * KeyedStateBackendBuilder.restoreProgressInterval}), one end; and later, for each restored state
 * that is registered with changed serializers, how its migration goes (the same three calls per state). Called on the thread that restores
 * (the task thread or the thread building the job), one call at a time; keep calls short. An
 * exception a listener throws is logged and ignored: it never fails the restore.
 */
public interface RestoreListener {

  /** The restore started; the counts are 0. */
  default void onRestoreStart(RestoreProgress progress) {}

  /** The restore goes on; counts and rates so far. */
  default void onRestoreProgress(RestoreProgress progress) {}

  /**
   * The restore ended.
   *
   * @param progress the totals
   * @param failure why it failed (the backend then holds no restored state), or null if it succeeded
   */
  default void onRestoreEnd(RestoreProgress progress, Throwable failure) {}

  /** The migration of a restored state started (when it was registered); the counts are 0. */
  default void onMigrationStart(MigrationProgress progress) {}

  /** The migration goes on; counts and rate of the current pass so far. */
  default void onMigrationProgress(MigrationProgress progress) {}

  /**
   * The migration of a state ended.
   *
   * @param progress the totals
   * @param failure why it failed (nothing was changed then), or null if it succeeded
   */
  default void onMigrationEnd(MigrationProgress progress, Throwable failure) {}
}
