package dev.cairn.state.spi;

import dev.cairn.state.KeyedStateBackend;
import java.util.Collection;

/**
 * The snapshot hooks of a keyed backend, driven by the checkpoint coordinator (or by tests). Every
 * backend implements it next to {@link KeyedStateBackend}; {@link #of(KeyedStateBackend)} reaches it
 * from a backend, so the user-facing interface shows none of it. A checkpoint has two parts:
 *
 * <ol>
 *   <li>{@link #snapshot(long, SnapshotMode)}, the <b>synchronous part</b>, on the task thread
 *       between two records: short and independent of state size (heap: freeze a copy-on-write
 *       version; RocksDB: a native snapshot or checkpoint);
 *   <li>{@link StateSnapshot#writeTo(SnapshotOutput)}, the <b>asynchronous part</b>, on any thread
 *       while the task thread keeps processing: writes the frozen state.
 * </ol>
 *
 * <p>A snapshot always shows the state exactly as it was at its synchronous part, whatever the task
 * thread does afterwards. The coordinator then tells the backend how the checkpoint ended ({@link
 * #notifyCheckpointComplete}, {@link #notifyCheckpointAborted}, {@link #notifyCheckpointSubsumed}),
 * on the task thread, so that incremental snapshots know which stored files they may reference.
 * Backends refuse these calls from a thread other than their owner ({@link OwnerThread}), except
 * {@link StateSnapshot#writeTo}.
 */
public interface Snapshotable {

  /**
   * Returns the snapshot hooks of {@code backend}.
   *
   * @throws IllegalArgumentException if the backend does not implement this interface
   */
  static Snapshotable of(KeyedStateBackend<?> backend) {
    if (backend instanceof Snapshotable snapshotable) {
      return snapshotable;
    }
    throw new IllegalArgumentException(
        "backend " + backend.getClass().getName() + " cannot be checkpointed: it does not implement "
            + Snapshotable.class.getName());
  }

  /**
   * Freezes the current state of every state of the backend (restored but not yet registered states
   * included) and returns a handle to write it. Call on the task thread.
   *
   * @param checkpointId the id of the checkpoint this snapshot belongs to; ids increase
   * @param mode canonical (portable, full) or incremental (the backend's own format, if it has one)
   * @return the frozen snapshot; close it when written or abandoned
   * @throws dev.cairn.state.BackendClosedException if the backend was closed
   */
  StateSnapshot snapshot(long checkpointId, SnapshotMode mode);

  /** A canonical snapshot: {@code snapshot(checkpointId, SnapshotMode.CANONICAL)}. */
  default StateSnapshot snapshot(long checkpointId) {
    return snapshot(checkpointId, SnapshotMode.CANONICAL);
  }

  /**
   * Loads snapshots into this backend, which must not have registered any state yet. Only the key
   * groups of this backend's range are loaded, so several snapshots of instances with other ranges
   * can be merged into one backend, and one snapshot split over several. Serializer compatibility is
   * checked for each state when it is registered, against the stored serializer snapshot. Call on
   * the task thread, before processing.
   *
   * <p>Atomic: if it throws, the backend holds no restored state and may be restored again.
   *
   * @param inputs the snapshots to load, canonical or in this backend's own format
   * @throws dev.cairn.state.SnapshotException if a stream is damaged, of a format this backend cannot
   *     read, or was written with another max parallelism
   * @throws dev.cairn.state.IncompatibleSchemaException if the stored key serializer does not match
   * @throws IllegalStateException if states were registered already
   */
  void restore(Collection<SnapshotInput> inputs);

  /**
   * The checkpoint {@code checkpointId} is complete: what its snapshot stored may now be
   * referenced. Called on the task thread, in increasing id order; a backend may miss some ids (a
   * later completion covers earlier ones).
   */
  default void notifyCheckpointComplete(long checkpointId) {}

  /**
   * The checkpoint {@code checkpointId} failed, timed out or was cancelled, or was overtaken by a
   * newer completed one before it completed: it will never complete, and what its snapshot stored is
   * deleted. Called on the task thread.
   */
  default void notifyCheckpointAborted(long checkpointId) {}

  /**
   * The complete checkpoint {@code checkpointId} left the retained set: it can no longer be
   * restored (its shared files live on while newer checkpoints reference them). Called on the task
   * thread.
   */
  default void notifyCheckpointSubsumed(long checkpointId) {}
}
