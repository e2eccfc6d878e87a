package dev.cairn.checkpoint.internal;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A file as recorded in checkpoint metadata.
 *
 * @param path where it is: for a file private to the checkpoint, its name in the checkpoint's
 *     directory ({@code task-<i>.<entry>}); for a shared file, its name in the job directory ({@code
 *     shared/<name>}). Never absolute, never {@code ..}: a hostile metadata file cannot point outside
 *     its job directory.
 * @param shared whether it is shared (stored once, referenced by several checkpoints)
 * @param size its size in bytes, framing included
 * @param crc32c the checksum stored in its trailer
 */
public record StoredFile(String path, boolean shared, long size, int crc32c) {

  private static final Pattern PRIVATE = Pattern.compile("task-[0-9]{1,5}\\.[A-Za-z0-9._-]{1,64}");
  private static final Pattern SHARED = Pattern.compile(CheckpointLayout.SHARED_DIRECTORY + "/[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  public StoredFile {
    Objects.requireNonNull(path, "path");
    if (!(shared ? SHARED : PRIVATE).matcher(path).matches()) {
      throw new IllegalArgumentException("invalid " + (shared ? "shared" : "private") + " file name '" + path + "'");
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " of " + path);
    }
  }

  /** A file private to one checkpoint. */
  public static StoredFile inCheckpoint(String name, long size, int crc32c) {
    return new StoredFile(name, false, size, crc32c);
  }
}
