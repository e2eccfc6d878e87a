package dev.cairn.checkpoint.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The POSIX file operations under {@link LocalCheckpointStorage}, and nothing else: the one place
 * where local checkpoint code touches the file system, so tests can inject a failure, a crash or a
 * power loss at any step ({@code FaultInjectingFileLayer} in the tests). No method follows a symbolic
 * link. Implementations must be thread-safe.
 */
public interface FileLayer {

  /** What a path is, judged without following symbolic links. */
  enum EntryType {
    /** Nothing there. */
    MISSING,
    /** A regular file. */
    FILE,
    /** A directory. */
    DIRECTORY,
    /** A symbolic link or anything else: never followed, never deleted by Cairn. */
    OTHER
  }

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

  /** Opens a regular file for reading, refusing a symbolic link. */
  InputStream open(Path file) throws IOException;

  /**
   * Renames {@code from} to {@code to} atomically, replacing nothing: if {@code to} exists (or appears
   * concurrently) it fails with {@link java.nio.file.FileAlreadyExistsException} and changes nothing.
   * The local layer links {@code to} to {@code from}, then unlinks {@code from}.
   */
  void rename(Path from, Path to) throws IOException;

  /** Forces a directory's entries (creations, renames, deletions) to stable storage. */
  void syncDirectory(Path directory) throws IOException;

  /**
   * Creates one directory, whose parent must exist.
   *
   * @throws java.nio.file.FileAlreadyExistsException if something exists there
   */
  void createDirectory(Path directory) throws IOException;

  /** Deletes a regular file or an empty directory; no-op if nothing is there. */
  void delete(Path path) throws IOException;

  /** Lists a directory's entries (not recursive), in no particular order. */
  List<Path> list(Path directory) throws IOException;

  /** Returns what {@code path} is, without following a symbolic link. */
  EntryType type(Path path) throws IOException;

  /** Returns a regular file's size in bytes. */
  long size(Path file) throws IOException;

  /**
   * Takes an exclusive, process-wide lock on {@code file} (created if missing), released by closing
   * the result or by the death of the process.
   *
   * @return the held lock, or null if another process holds it
   * @throws java.nio.channels.OverlappingFileLockException if this JVM holds it
   * @throws IOException if it cannot be taken (a read-only directory, say)
   */
  AutoCloseable lock(Path file) throws IOException;

  /** Returns the local file layer. */
  static FileLayer local() {
    return LocalFileLayer.INSTANCE;
  }
}
