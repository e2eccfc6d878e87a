package dev.cairn.checkpoint.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file operation of the checkpoint module, and nothing else: the one place where checkpoint code
 * touches the file system, so tests can inject a failure at any step ({@code FaultInjectingFileLayer}
 * in the tests). Implementations must be thread-safe.
 */
public interface FileLayer {

  /** A file being written: an output stream that can be forced to stable storage. */
  abstract class SyncableOutputStream extends OutputStream {
    /** Forces everything written so far to stable storage (fsync). */
    public abstract void sync() throws IOException;
  }

  /**
   * Creates a new file for writing.
   *
   * @throws java.nio.file.FileAlreadyExistsException if it exists
   */
  SyncableOutputStream create(Path file) throws IOException;

  /** Opens a file for reading. */
  InputStream open(Path file) throws IOException;

  /** Renames {@code from} to {@code to} atomically, replacing nothing: {@code to} must not exist. */
  void rename(Path from, Path to) throws IOException;

  /** Forces a directory's entries (creations, renames, deletions) to stable storage. */
  void syncDirectory(Path directory) throws IOException;

  /** Creates a directory and any missing parents; no-op if it exists. */
  void createDirectories(Path directory) throws IOException;

  /** Deletes a file or an empty directory; no-op if it does not exist. */
  void delete(Path path) throws IOException;

  /** Lists a directory's entries (not recursive), in no particular order. */
  List<Path> list(Path directory) throws IOException;

  /** Returns whether {@code path} exists. */
  boolean exists(Path path);

  /** Returns whether {@code path} is a directory. */
  boolean isDirectory(Path path);

  /** Returns a file's size in bytes. */
  long size(Path file) throws IOException;

  /**
   * Takes an exclusive, process-wide lock on {@code file} (created if missing), released by closing
   * the result or by the death of the process.
   *
   * @return the held lock
   * @throws java.nio.channels.OverlappingFileLockException or an {@link IOException} if it is held
   *     elsewhere (the caller turns both into one clear error)
   */
  AutoCloseable lock(Path file) throws IOException;

  /** Returns the local file layer. */
  static FileLayer local() {
    return LocalFileLayer.INSTANCE;
  }
}
