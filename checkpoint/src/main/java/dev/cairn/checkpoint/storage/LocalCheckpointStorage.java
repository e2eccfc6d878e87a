package dev.cairn.checkpoint.storage;

import dev.cairn.checkpoint.internal.CheckpointLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The default {@link CheckpointStorage}: a directory on a local (or locally mounted) file system,
 * through a {@link FileLayer}.
 *
 * <ul>
 *   <li>An object is written to {@code .tmp-<uuid>-<name>} beside its target, fsynced and renamed.
 *       The directories whose entries changed (by a rename, a deletion or a directory created on
 *       the way) are remembered and fsynced together by {@link #sync()}, which {@link
 *       #commitMetadata} runs first: one fsync per directory per checkpoint instead of one per
 *       file, and still no committed checkpoint can lose an object to a lost directory entry.
 *       The fsyncs of one sync (and the metadata's own) run concurrently, so that their waits for
 *       the disk overlap.
 *   <li>Nothing is followed through a symbolic link: below the root, every path segment must be a
 *       real directory, and links met while listing are reported apart, never read or deleted.
 *   <li>Only regular files and empty directories are deleted.
 * </ul>
 */
public final class LocalCheckpointStorage implements CheckpointStorage {

  /** The prefix of temporary objects, removed by cleanup. */
  public static final String TEMP_PREFIX = ".tmp-";

  /** Runs the fsyncs of one {@link #sync()} concurrently; idle threads end after a minute. */
  private static final ExecutorService SYNC_THREADS = syncThreads();

  private static final Pattern SEGMENT = Pattern.compile("(\\.tmp-)?[A-Za-z0-9_][A-Za-z0-9._-]{0,199}");

  private final FileLayer files;
  private final Path root;
  private final String prefix;
  /** Directories known to exist as real directories (created or checked); shared with children. */
  private final Set<Path> knownDirectories;
  /** Directories with entry changes not yet fsynced; shared with children. */
  private final Set<Path> unsyncedDirectories;

  private LocalCheckpointStorage(FileLayer files, Path root, String prefix, Set<Path> knownDirectories,
      Set<Path> unsyncedDirectories) {
    this.files = files;
    this.root = root;
    this.prefix = prefix;
    this.knownDirectories = knownDirectories;
    this.unsyncedDirectories = unsyncedDirectories;
  }

  /**
   * A storage rooted at {@code directory}, which is created (durably, with any missing parents) when
   * the first object is written. The root itself may be a symbolic link the user chose; nothing
   * below it is followed.
   */
  public static LocalCheckpointStorage at(FileLayer files, Path directory) {
    return new LocalCheckpointStorage(files, directory.toAbsolutePath().normalize(), "",
        ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
  }

  private static ExecutorService syncThreads() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(8, 8, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "cairn-checkpoint-sync-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Returns the directory this storage is rooted at. */
  public Path directory() {
    return resolveDirectory("");
  }

  /** Returns whether {@code name} is a valid object name. */
  public static boolean isValidName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    for (String segment : name.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        return false;
      }
    }
    return true;
  }

  /** Returns whether {@code fileName} (one segment) is a temporary object of an unfinished write. */
  public static boolean isTemporary(String fileName) {
    return fileName.startsWith(TEMP_PREFIX);
  }

  private Path resolve(String name) {
    if (!isValidName(name)) {
      throw new IllegalArgumentException("invalid object name '" + name + "'");
    }
    return root.resolve(prefix + name);
  }

  /** The directory of a prefix relative to this storage ("" or "a/b/"), this storage's own for "". */
  private Path resolveDirectory(String directoryPrefix) {
    String p = directoryPrefix.endsWith("/") ? directoryPrefix.substring(0, directoryPrefix.length() - 1) : directoryPrefix;
    if (!p.isEmpty()) {
      return resolve(p);
    }
    return prefix.isEmpty() ? root : root.resolve(prefix.substring(0, prefix.length() - 1));
  }

  /** Checks that every existing segment between the root and {@code path} (exclusive) is a real directory. */
  private void checkNoLinks(Path path) throws IOException {
    Path relative = root.relativize(path);
    Path current = root;
    for (int i = 0; i < relative.getNameCount() - 1; i++) {
      current = current.resolve(relative.getName(i));
      FileLayer.EntryType type = files.type(current);
      if (type == FileLayer.EntryType.MISSING) {
        return;
      }
      if (type != FileLayer.EntryType.DIRECTORY) {
        throw new IOException("refusing to use " + current + ": not a directory (a symbolic link?); checkpoint storage never follows links");
      }
    }
  }

  /** Creates {@code directory} and its missing parents, each entry made durable by the next {@link #sync()}. */
  private void ensureDirectory(Path directory) throws IOException {
    if (knownDirectories.contains(directory)) {
      return;
    }
    FileLayer.EntryType type = files.type(directory);
    if (type == FileLayer.EntryType.MISSING) {
      Path parent = directory.getParent();
      if (parent == null) {
        throw new NoSuchFileException(directory.toString());
      }
      ensureDirectory(parent);
      try {
        files.createDirectory(directory);
      } catch (FileAlreadyExistsException e) {
        // created concurrently: checked below
      }
      unsyncedDirectories.add(parent);
      type = files.type(directory);
    }
    boolean belowRoot = directory.startsWith(root) && !directory.equals(root);
    if (type != FileLayer.EntryType.DIRECTORY && belowRoot) { // the root and above are the user's choice
      throw new IOException("refusing to use " + directory + ": not a directory (a symbolic link?)");
    }
    knownDirectories.add(directory);
  }

  @Override
  public Output create(String name) throws IOException {
    return createLocal(name);
  }

  private LocalOutput createLocal(String name) throws IOException {
    Path target = resolve(name);
    checkNoLinks(target);
    Path directory = target.getParent();
    ensureDirectory(directory);
    if (files.type(target) != FileLayer.EntryType.MISSING) {
      throw new FileAlreadyExistsException(target.toString());
    }
    Path temp = directory.resolve(TEMP_PREFIX + UUID.randomUUID() + "-" + target.getFileName());
    return new LocalOutput(files.create(temp), temp, target);
  }

  /** An object being written to its temporary file, renamed to its target when committed. */
  private final class LocalOutput extends Output {
    private final FileLayer.SyncableOutputStream raw;
    private final Path temp;
    private final Path target;
    private boolean done;

    LocalOutput(FileLayer.SyncableOutputStream raw, Path temp, Path target) {
    this.raw = raw;
    this.temp = temp;
    this.target = target;
    }

    @Override
    public void write(int b) throws IOException {
      raw.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      raw.write(b, off, len);
    }

    @Override
    public void commit() throws IOException {
      commit(true);
    }

    /** Renames the object to its target, after an fsync unless the caller synced it already. */
    void commit(boolean sync) throws IOException {
      if (done) {
        throw new IllegalStateException(target + " is already committed or aborted");
      }
      try {
        if (sync) {
          raw.sync();
        }
        raw.close();
        files.rename(temp, target);
      } catch (IOException | RuntimeException e) {
        abort();
        throw e;
      }
      done = true;
      unsyncedDirectories.add(target.getParent());
    }

    @Override
    public void abort() {
      if (done) {
        return;
      }
      done = true;
      try {
        raw.close();
      } catch (IOException | RuntimeException e) {
        // the temporary file is deleted below, or by the next cleanup
      }
      try {
        files.delete(temp);
      } catch (IOException | RuntimeException e) {
        // left for the next cleanup, which removes every temporary file
      }
    }

    @Override
    public void close() throws IOException {
      if (!done) {
        commit();
      }
    }
  }

  @Override
  public void commitMetadata(String name, byte[] bytes) throws IOException {
    // a rename is atomic: the object appears whole or not at all
    LocalOutput out = createLocal(name);
    try {
      out.write(bytes);
      // everything the metadata lists is durable before the metadata exists; its own bytes are
      // synced at the same time as those directories
      sync(out.raw::sync);
    } catch (IOException | RuntimeException e) {
      out.abort();
      throw e;
    }
    out.commit(false);
    sync();
  }

  /**
   * Fsyncs every directory whose entries changed since the last sync: this storage's, its parent's
   * and its children's (they share the record). A directory that fails stays recorded, so the next
   * sync tries it again.
   */
  @Override
  public void sync() throws IOException {
    sync(null);
  }

  /**
   * Fsyncs the changed directories, and runs {@code alsoSync} if not null, concurrently: each
   * fsync waits for the disk (on a busy disk, behind other writes), so the waits overlap instead
   * of adding up. Returns when all are done; throws the first failure.
   */
  private void sync(IoAction alsoSync) throws IOException {
    List<IoAction> actions = new ArrayList<>();
    if (alsoSync != null) {
      actions.add(alsoSync);
    }
    for (Path directory : List.copyOf(unsyncedDirectories)) {
      if (unsyncedDirectories.remove(directory)) { // else synced meanwhile by another thread
        actions.add(() -> syncDirectory(directory));
      }
    }
    if (actions.size() == 1) {
      actions.get(0).run();
      return;
    }
    List<Future<?>> running = new ArrayList<>(actions.size());
    for (IoAction action : actions.subList(1, actions.size())) {
      running.add(SYNC_THREADS.submit(() -> {
        action.run();
        return null;
      }));
    }
    IOException failure = null;
    try {
      actions.get(0).run();
    } catch (IOException e) {
      failure = e;
    }
    for (Future<?> future : running) {
      try {
        future.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        if (cause instanceof Error error) {
          throw error;
        }
        if (failure == null) {
          failure = cause instanceof IOException io ? io : new IOException(cause);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while syncing " + describe(""));
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void syncDirectory(Path directory) throws IOException {
    try {
      files.syncDirectory(directory);
    } catch (IOException | RuntimeException e) {
      if (files.type(directory) == FileLayer.EntryType.MISSING) {
        return; // removed meanwhile: its entries no longer matter
      }
      unsyncedDirectories.add(directory); // the next sync tries again
      throw e;
    }
  }

  /** An fsync. */
  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  @Override
  public InputStream open(String name) throws IOException {
    Path path = resolve(name);
    checkNoLinks(path);
    return files.open(path);
  }

  @Override
  public long size(String name) throws IOException {
    Path path = resolve(name);
    checkNoLinks(path);
    return files.size(path);
  }

  @Override
  public boolean exists(String name) throws IOException {
    Path path = resolve(name);
    checkNoLinks(path);
    return files.type(path) == FileLayer.EntryType.FILE;
  }

  @Override
  public Listing list(String directoryPrefix) throws IOException {
    Path directory = resolveDirectory(directoryPrefix);
    if (!directory.equals(root)) {
      checkNoLinks(directory.resolve("x"));
    }
    if (files.type(directory) != FileLayer.EntryType.DIRECTORY) {
      return new Listing(List.of(), List.of(), List.of());
    }
    List<String> regular = new ArrayList<>();
    List<String> directories = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (Path entry : files.list(directory)) {
      String fileName = entry.getFileName().toString();
      switch (files.type(entry)) {
        case FILE -> regular.add(fileName);
        case DIRECTORY -> directories.add(fileName);
        case OTHER -> others.add(fileName);
        case MISSING -> { } // deleted meanwhile
      }
    }
    return new Listing(regular, directories, others);
  }

  @Override
  public void delete(String name) throws IOException {
    Path path = resolve(name);
    checkNoLinks(path);
    FileLayer.EntryType type = files.type(path);
    if (type == FileLayer.EntryType.MISSING) {
      return;
    }
    if (type != FileLayer.EntryType.FILE) {
      throw new IOException("refusing to delete " + path + ": not a regular file");
    }
    files.delete(path);
    unsyncedDirectories.add(path.getParent());
  }

  @Override
  public boolean deletePrefix(String directoryPrefix) throws IOException {
    Path directory = resolveDirectory(directoryPrefix);
    checkNoLinks(directory);
    FileLayer.EntryType type = files.type(directory);
    if (type == FileLayer.EntryType.MISSING) {
      return true;
    }
    if (type != FileLayer.EntryType.DIRECTORY || !files.list(directory).isEmpty()) {
      return false;
    }
    files.delete(directory);
    knownDirectories.remove(directory);
    unsyncedDirectories.remove(directory);
    if (directory.getParent() != null) {
      unsyncedDirectories.add(directory.getParent());
    }
    return true;
  }

  @Override
  public AutoCloseable lease() throws IOException {
    Path directory = resolveDirectory("");
    ensureDirectory(directory);
    return files.lock(directory.resolve(CheckpointLayout.LOCK));
  }

  @Override
  public LocalCheckpointStorage child(String childPrefix) {
    if (!isValidName(childPrefix)) {
      throw new IllegalArgumentException("invalid prefix '" + childPrefix + "'");
    }
    return new LocalCheckpointStorage(files, root, prefix + childPrefix + "/", knownDirectories, unsyncedDirectories);
  }

  @Override
  public String describe(String name) {
    return name.isEmpty() ? resolveDirectory("").toString() : root.resolve(prefix + name).toString();
  }

  @Override
  public String toString() {
    return "LocalCheckpointStorage(" + describe("") + ")";
  }
}
