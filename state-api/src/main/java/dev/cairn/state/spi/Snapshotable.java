package dev.cairn.state.spi;

import java.util.Collection;

/**
 * The snapshot hooks of a keyed backend, driven by the checkpoint coordinator (or by tests). A
 * checkpoint has two parts:
 *
 * <ol>
 *   <li>{@link #snapshot(long)}, the <b>synchronous part</b>, on the task thread between two
 *       records: short and independent of state size (heap: freeze a copy-on-write version; RocksDB:
 *       a native snapshot or checkpoint);
 *   <li>{@link StateSnapshot#writeTo(SnapshotOutput)}, the <b>asynchronous part</b>, on any thread
 *       while the task thread keeps processing: writes the frozen state as named streams.
 * </ol>
 *
 * <p>A snapshot always shows the state exactly as it was at its synchronous part, whatever the task
 * thread does afterwards.
 */
public interface Snapshotable {

  /**
   * Freezes the current state of every state of the backend (restored but not yet registered states
   * included) and returns a handle to write it. Call on the task thread.
   *
   * @param checkpointId the id of the checkpoint this snapshot belongs to
   * @return the frozen snapshot; close it when written or abandoned
   * @throws dev.cairn.state.BackendClosedException if the backend was closed
   */
  StateSnapshot snapshot(long checkpointId);

  /**
   * Loads snapshots into this backend, which must not have registered any state yet. Only the key
   * groups of this backend's range are loaded, so several snapshots of instances with other ranges
   * can be merged into one backend, and one snapshot split over several. Serializer compatibility is
   * checked for each state when it is registered, against the stored serializer snapshot. Call on
   * the task thread, before processing.
   *
   * @param inputs the snapshots to load
   * @throws dev.cairn.state.SnapshotException if a stream is damaged, of an unknown format, or was
   *     written with another max parallelism
   * @throws dev.cairn.state.IncompatibleSchemaException if the stored key serializer does not match
   * @throws IllegalStateException if states were registered already
   */
  void restore(Collection<SnapshotInput> inputs);
}
