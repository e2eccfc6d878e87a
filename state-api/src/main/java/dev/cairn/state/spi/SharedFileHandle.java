package dev.cairn.state.spi;

import java.util.Objects;

/**
 * A file in checkpoint storage that a snapshot stored with {@link SnapshotOutput#writeShared} and
 * that later snapshots of the same backend may list again with {@link
 * SnapshotOutput#referenceShared} instead of storing it again. Backends treat it as opaque: they keep
 * the handle they got and hand it back.
 *
 * <p>A backend may reference a handle only while the checkpoint that stored it, or a later one that
 * referenced it, is complete and retained: in practice, the handles of its last completed checkpoint
 * ({@link Snapshotable#notifyCheckpointComplete(long)}), or the handles a claimed restore gave it
 * ({@link SnapshotInput#sharedHandle(String)}).
 *
 * @param id the storage's name of the file, unique within the job (assigned by the storage)
 * @param size the stored file's size in bytes, framing included
 * @param crc32c the stored file's checksum
 */
public record SharedFileHandle(String id, long size, int crc32c) {

  public SharedFileHandle {
    Objects.requireNonNull(id, "id");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, got " + size);
    }
  }
}
