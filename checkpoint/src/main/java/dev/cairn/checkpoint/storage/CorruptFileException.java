package dev.cairn.checkpoint.storage;

import dev.cairn.state.SnapshotException;
import java.nio.file.Path;

/** A stored file failed verification: wrong magic or version, wrong size, truncated, or a CRC32C mismatch. */
public class CorruptFileException extends SnapshotException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** Creates the exception for {@code file}, saying what is wrong with it. */
  public CorruptFileException(Path file, String problem) {
    super("corrupt checkpoint file " + file + ": " + problem);
    this.file = file;
  }

  /** Returns the damaged file. */
  public Path file() {
    return file;
  }
}
