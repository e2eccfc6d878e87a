package dev.cairn.checkpoint.storage;

import dev.cairn.state.SnapshotException;

/**
 * A stored file failed verification: wrong magic or version, wrong size, truncated, a CRC32C
 * mismatch, or content that does not parse. The message names the file.
 */
public class CorruptFileException extends SnapshotException {

  private static final long serialVersionUID = 1L;

  private final String file;

  /** Creates the exception for {@code file} (a path or URI), saying what is wrong with it. */
  public CorruptFileException(String file, String problem) {
    super("corrupt checkpoint file " + file + ": " + problem);
    this.file = file;
  }

  /** Creates the exception with its underlying cause. */
  public CorruptFileException(String file, String problem, Throwable cause) {
    super("corrupt checkpoint file " + file + ": " + problem, cause);
    this.file = file;
  }

  /** Returns the damaged file, as a path or URI. */
  public String file() {
    return file;
  }
}
