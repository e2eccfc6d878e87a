package dev.cairn.state.rocksdb;

import dev.cairn.state.StateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The directory a backend's RocksDB lives in, locked against a second backend (in this process or
 * another) by an OS file lock on {@value #LOCK_FILE}. The database goes to the subdirectory {@value
 * #DB_DIR}; files of a restored native snapshot to {@value #RESTORE_DIR}{@code /<n>}, where a
 * restore that places them keeps the database from then on ({@link #replaceDatabase}). Both are
 * removed when the backend opens (left over from a crash) and when it closes, as is {@value
 * #OLD_SNAPSHOTS_DIR}, where earlier versions put native checkpoints: a backend always
 * starts empty and gets its state back by restore. A temporary directory is removed entirely on
 * close.
 */
final class WorkingDirectory implements AutoCloseable {

  static final String LOCK_FILE = "cairn-rocksdb.lock";
  static final String DB_DIR = "db";
  /** Native checkpoints of incremental snapshots, before they read the live files instead. */
  static final String OLD_SNAPSHOTS_DIR = "snapshots";
  static final String RESTORE_DIR = "restore";

  private final Path root;
  private final boolean temporary;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final AtomicInteger nextDirectory = new AtomicInteger();
  private volatile Path dbPath;
  private boolean closed;

  private WorkingDirectory(Path root, boolean temporary, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.temporary = temporary;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.dbPath = root.resolve(DB_DIR);
  }

  /**
   * Creates (if needed) and locks {@code directory}, or a new temporary directory when it is null.
   *
   * @throws StateException if the directory cannot be created or another backend holds it
   */
  static WorkingDirectory open(Path directory) {
    boolean temporary = directory == null;
    Path root;
    try {
      root = temporary ? Files.createTempDirectory("cairn-rocksdb-") : Files.createDirectories(directory);
    } catch (IOException e) {
      throw new StateException("cannot create RocksDB working directory " + directory + ": " + e, e);
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new StateException(
            "RocksDB working directory " + root + " is in use by another backend; give each backend its own");
      }
      WorkingDirectory dir = new WorkingDirectory(root, temporary, channel, lock);
      dir.deleteOwnDirectories();
      return dir;
    } catch (IOException | UncheckedIOException | StateException e) {
      closeQuietly(channel);
      if (temporary) {
        deleteQuietly(root);
      }
      if (e instanceof StateException s) {
        throw s;
      }
      throw new StateException("cannot lock RocksDB working directory " + root + ": " + e, e);
    }
  }

  /** Returns the directory the database lives in: {@value #DB_DIR} unless a restore replaced it. */
  Path dbPath() {
    return dbPath;
  }

  /** Creates and returns a new, empty directory for the files of a restored snapshot. */
  Path newRestorePath() throws IOException {
    Path parent = Files.createDirectories(root.resolve(RESTORE_DIR));
    return Files.createDirectory(parent.resolve(String.valueOf(nextDirectory.incrementAndGet())));
  }

  /**
   * Makes {@code path} (from {@link #newRestorePath}) the database's directory and deletes the
   * previous one, whose database must be closed.
   */
  void replaceDatabase(Path path) {
    Path previous = dbPath;
    dbPath = path;
    deleteQuietly(previous);
  }

  /** Returns the locked directory. */
  Path root() {
    return root;
  }

  /** Deletes the database (and a temporary directory) and releases the lock. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      deleteOwnDirectories();
    } catch (IOException | UncheckedIOException e) {
      throw new StateException("cannot delete RocksDB files in " + root + ": " + e, e);
    } finally {
      try {
        lock.release();
      } catch (IOException ignored) {
        // closing the channel releases the lock too
      }
      closeQuietly(lockChannel);
      if (temporary) {
        deleteQuietly(root);
      }
    }
  }

  private void deleteOwnDirectories() throws IOException {
    deleteRecursively(root.resolve(DB_DIR));
    deleteRecursively(root.resolve(OLD_SNAPSHOTS_DIR));
    deleteRecursively(root.resolve(RESTORE_DIR));
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (NoSuchFileException e) {
      deleteRecursively(path); // another thread deleted part of it meanwhile: walk again
    } catch (UncheckedIOException e) {
      if (!(e.getCause() instanceof NoSuchFileException)) {
        throw e;
      }
      deleteRecursively(path);
    }
  }

  /** Deletes {@code path} and everything under it, ignoring errors (another thread may delete it too). */
  static void deleteQuietly(Path path) {
    try {
      deleteRecursively(path);
    } catch (IOException | UncheckedIOException ignored) {
      // best effort: a temporary directory left behind is harmless
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }
}
