package dev.cairn.checkpoint.storage;

import dev.cairn.checkpoint.internal.CheckpointLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A file layer over a real directory tree ({@code root}) that also keeps a model of what is
 * <em>durable</em>, so that a test can cut the power: {@link #powerLoss()} rewrites the tree as
 * stable storage would hold it after a power failure. Like a POSIX file system without any
 * ordering guarantee beyond fsync:
 *
 * <ul>
 *   <li>a file's bytes are durable up to its last {@code sync()}; a file whose name is durable but
 *       that was never synced comes back empty;
 *   <li>a directory entry change (create, rename, mkdir, delete) is durable only once {@code
 *       syncDirectory} of that directory ran after it; until then the power loss undoes it (a
 *       deleted file comes back with its durable bytes, a renamed one under its old name, a created
 *       one disappears);
 *   <li>files are inodes: a rename moves the same durable bytes; the entries of a directory that is
 *       not itself durably linked are lost with it.
 * </ul>
 *
 * <p>Real fsyncs are not performed (the model decides what survives), so runs are fast. Counts
 * mutating operations (create, write, sync, close, rename, directory sync, mkdir, delete) like
 * {@link FaultInjectingFileLayer}, and can
 *
 * <ul>
 *   <li>{@link #cutBeforeOperation(int) cut the power} right before the k-th: from then on every
 *       operation fails (the process is "dead"), a callback records what the test had observed;
 *       {@link #powerLoss()} then reverts the tree (call it after closing the dead coordinator);
 *   <li>{@link #crash()}: every operation fails from now on, nothing is reverted (a process crash:
 *       the kernel keeps what was written);
 *   <li>{@link #failOperation(int) fail one} creation, write, sync, rename or mkdir (an I/O error).
 * </ul>
 *
 * Paths outside {@code root} pass through untracked. Every method is synchronized: operations are
 * totally ordered, as the model requires.
 */
public final class PowerLossFileLayer implements FileLayer {

  private static final FileLayer LOCAL = FileLayer.local();

  /** A file or directory: an inode. */
  private static final class Node {
    final boolean directory;
    /** Files: every byte written so far. */
    final ByteArrayOutputStream written;
    /** Files: the bytes as of the last sync, or null if never synced. */
    byte[] durable;
    /** Directories: the current entries. */
    final Map<String, Node> entries;
    /** Directories: the entries as of the last directory sync. */
    Map<String, Node> durableEntries;

    Node(boolean directory) {
      this.directory = directory;
      this.written = directory ? null : new ByteArrayOutputStream();
      this.entries = directory ? new HashMap<>() : null;
      this.durableEntries = directory ? new HashMap<>() : null;
    }
  }

  private final Path root;
  private final Node rootNode = new Node(true);
  private int operations;
  private int cutAt = -1;
  private int failAt = -1;
  private int failKindCount;
  private boolean dead;
  private boolean cut;
  private Runnable onCut = () -> {};

  /**
   * Tracks everything under {@code root} (which must exist), taking what is there now as durable.
   */
  public PowerLossFileLayer(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    load(this.root, rootNode);
  }

  private static void load(Path directory, Node node) throws IOException {
    for (Path entry : LOCAL.list(directory)) {
      String name = entry.getFileName().toString();
      switch (LOCAL.type(entry)) {
        case DIRECTORY -> {
          Node child = new Node(true);
          load(entry, child);
          node.entries.put(name, child);
        }
        case FILE -> {
          Node child = new Node(false);
          byte[] bytes = Files.readAllBytes(entry);
          child.written.writeBytes(bytes);
          child.durable = bytes;
          node.entries.put(name, child);
        }
        default -> { } // links and others are never touched
      }
    }
    node.durableEntries = new HashMap<>(node.entries);
  }

  // ---------------------------------------------------------------- control

  /** Cuts the power right before the {@code k}-th mutating operation from now on (1-based); 0 never. */
  public synchronized void cutBeforeOperation(int k) {
    operations = 0;
    cutAt = k;
  }

  /** Runs {@code callback} at the instant of the cut, under this layer's lock. */
  public synchronized void onCut(Runnable callback) {
    onCut = callback;
  }

  /** Fails the {@code k}-th creation, write, sync, rename or mkdir from now on (1-based); 0 never. */
  public synchronized void failOperation(int k) {
    failKindCount = 0;
    failAt = k;
  }

  /** From now on every operation fails, as if the process had died; the files stay as they are. */
  public synchronized void crash() {
    dead = true;
  }

  /** Returns whether the power was cut (or the process crashed). */
  public synchronized boolean isDead() {
    return dead;
  }

  /** Returns whether the power was cut by {@link #cutBeforeOperation}. */
  public synchronized boolean wasCut() {
    return cut;
  }

  /** Returns the number of mutating operations since the last {@link #cutBeforeOperation}. */
  public synchronized int operations() {
    return operations;
  }

  /**
   * Rewrites the tree under {@code root} as stable storage holds it: what was not made durable is
   * undone. Call once nothing uses the layer any more (the dead coordinator is closed). The lock
   * file {@code _lock} is left alone (its content is irrelevant; it is an OS lock).
   */
  public synchronized void powerLoss() throws IOException {
    dead = true;
    wipe(root);
    rebuild(root, rootNode);
  }

  private static void wipe(Path directory) throws IOException {
    for (Path entry : LOCAL.list(directory)) {
      if (entry.getFileName().toString().equals(CheckpointLayout.LOCK)) {
        continue;
      }
      if (LOCAL.type(entry) == EntryType.DIRECTORY) {
        wipe(entry);
        try (Stream<Path> left = Files.list(entry)) {
          if (left.findAny().isPresent()) {
            continue; // a lock file below: keep the directory
          }
        }
      }
      Files.delete(entry);
    }
  }

  private static void rebuild(Path directory, Node node) throws IOException {
    for (Map.Entry<String, Node> e : node.durableEntries.entrySet()) {
      Path path = directory.resolve(e.getKey());
      Node child = e.getValue();
      if (child.directory) {
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(path);
        }
        rebuild(path, child);
      } else if (!e.getKey().equals(CheckpointLayout.LOCK)) {
        Files.write(path, child.durable == null ? new byte[0] : child.durable);
      }
    }
  }

  /** Returns every regular file under {@code root} (relative, '/'-separated), sorted: for assertions. */
  public static List<String> tree(Path root) throws IOException {
    List<String> result = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
          .sorted(Comparator.naturalOrder()).forEach(result::add);
    }
    return result;
  }

  // ---------------------------------------------------------------- the model

  private void step(String what, Path path) throws IOException {
    if (dead) {
      throw new IOException("power is off (" + what + " " + path + ")");
    }
    int n = ++operations;
    if (n == cutAt) {
      dead = true;
      cut = true;
      onCut.run();
      throw new IOException("power cut before operation " + n + " (" + what + " " + path + ")");
    }
    if (failAt > 0 && !what.equals("delete") && !what.equals("sync-directory") && !what.equals("close")
        && ++failKindCount == failAt) {
      throw new IOException("injected failure of " + what + " " + path);
    }
  }

  private void checkAlive(Path path) throws IOException {
    if (dead) {
      throw new IOException("power is off (reading " + path + ")");
    }
  }

  /** The node of directory {@code directory}, or null if it is outside root or not tracked. */
  private Node directoryNode(Path directory) {
    Path normalized = directory.toAbsolutePath().normalize();
    if (!normalized.startsWith(root)) {
      return null;
    }
    Node node = rootNode;
    for (Path segment : root.relativize(normalized)) {
      if (segment.toString().isEmpty()) {
        continue;
      }
      node = node.entries.get(segment.toString());
      if (node == null || !node.directory) {
        return null;
      }
    }
    return node;
  }

  private Node parentNode(Path path) {
    Path parent = path.toAbsolutePath().normalize().getParent();
    return parent == null ? null : directoryNode(parent);
  }

  private static String name(Path path) {
    return path.getFileName().toString();
  }

  // ---------------------------------------------------------------- FileLayer

  @Override
  public synchronized SyncableOutputStream create(Path file) throws IOException {
    step("create", file);
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    Node node = new Node(false);
    Node parent = parentNode(file);
    if (parent != null) {
      parent.entries.put(name(file), node);
    }
    return new SyncableOutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        synchronized (PowerLossFileLayer.this) {
          step("write", file);
          ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
          node.written.write(b, off, len);
        }
      }

      @Override
      public void sync() throws IOException {
        synchronized (PowerLossFileLayer.this) {
          step("sync", file);
          node.durable = node.written.toByteArray(); // no real fsync: the model decides what survives
        }
      }

      @Override
      public void close() throws IOException {
        synchronized (PowerLossFileLayer.this) {
          channel.close();
          step("close", file);
        }
      }
    };
  }

  @Override
  public AutoCloseable lock(Path file) throws IOException {
    return LOCAL.lock(file); // not a data operation; released when the dead coordinator closes
  }

  @Override
  public synchronized InputStream open(Path file) throws IOException {
    checkAlive(file);
    return LOCAL.open(file);
  }

  @Override
  public synchronized void rename(Path from, Path to) throws IOException {
    step("rename", from);
    LOCAL.rename(from, to);
    Node fromParent = parentNode(from);
    Node toParent = parentNode(to);
    Node node = fromParent == null ? null : fromParent.entries.remove(name(from));
    if (toParent != null && node != null) {
      toParent.entries.put(name(to), node);
    }
  }

  @Override
  public synchronized void syncDirectory(Path directory) throws IOException {
    step("sync-directory", directory);
    if (LOCAL.type(directory) != EntryType.DIRECTORY) {
      throw new java.nio.file.NoSuchFileException(directory.toString());
    }
    Node node = directoryNode(directory);
    if (node != null) {
      node.durableEntries = new HashMap<>(node.entries);
    }
  }

  @Override
  public synchronized void createDirectory(Path directory) throws IOException {
    step("mkdir", directory);
    LOCAL.createDirectory(directory);
    Node parent = parentNode(directory);
    if (parent != null) {
      parent.entries.put(name(directory), new Node(true));
    }
  }

  @Override
  public synchronized void delete(Path path) throws IOException {
    step("delete", path);
    boolean existed = LOCAL.type(path) != EntryType.MISSING;
    LOCAL.delete(path);
    Node parent = parentNode(path);
    if (parent != null && existed) {
      parent.entries.remove(name(path));
    }
  }

  @Override
  public synchronized List<Path> list(Path directory) throws IOException {
    checkAlive(directory);
    return LOCAL.list(directory);
  }

  @Override
  public synchronized EntryType type(Path path) throws IOException {
    checkAlive(path);
    return LOCAL.type(path);
  }

  @Override
  public synchronized long size(Path file) throws IOException {
    checkAlive(file);
    return LOCAL.size(file);
  }
}
