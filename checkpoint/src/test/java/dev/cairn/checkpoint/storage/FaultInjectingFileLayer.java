package dev.cairn.checkpoint.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A file layer that counts mutating operations (create, write, sync, close, rename, directory sync,
 * mkdir, delete) and fails the one with a chosen number (deletes never fail: cleanup must be able to
 * succeed for the assertions about leftovers), or halts the JVM before it as a crash does; or fails
 * every write as a full disk does; or holds every write until released, as a disk too slow for the
 * checkpoint timeout does; or refuses writes as a read-only directory does.
 */
public final class FaultInjectingFileLayer implements FileLayer {

  private final FileLayer delegate = FileLayer.local();
  private final AtomicInteger operations = new AtomicInteger();
  private volatile int failAt = -1;
  private volatile int haltAt = -1;
  private volatile boolean diskFull;
  private volatile boolean readOnly;
  private volatile java.util.concurrent.CountDownLatch hold;
  private volatile String holdRenameTo;
  private volatile java.util.concurrent.CountDownLatch renameHeld = new java.util.concurrent.CountDownLatch(1);
  private final List<String> log = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  /** Fails the {@code k}-th mutating operation from now on (1-based); 0 or less disables. */
  public void failOperation(int k) {
    operations.set(0);
    failAt = k;
  }

  /** Returns the number of mutating operations since the last {@link #failOperation}. */
  public int operations() {
    return operations.get();
  }

  /**
   * Halts the JVM (exit code 137, no shutdown hooks: like SIGKILL) right before the {@code k}-th
   * mutating operation from now on.
   */
  public void haltBeforeOperation(int k) {
    operations.set(0);
    haltAt = k;
  }

  /** Makes every write fail with "No space left on device" until called with false. */
  public void diskFull(boolean full) {
    diskFull = full;
  }

  /**
   * Makes the directory read-only until called with false: taking a lock, creating a file or a
   * directory fail with {@link java.nio.file.AccessDeniedException}, as they do for a user without
   * write permission (root ignores the permission bits, so tests cannot rely on them).
   */
  public void readOnly(boolean readOnly) {
    this.readOnly = readOnly;
  }

  private void checkWritable(Path path) throws java.nio.file.AccessDeniedException {
    if (readOnly) {
      throw new java.nio.file.AccessDeniedException(path.toString());
    }
  }

  /** Holds every write until {@link #release()}. */
  public void holdWrites() {
    hold = new java.util.concurrent.CountDownLatch(1);
  }

  /** Lets held writes go on. */
  public void release() {
    java.util.concurrent.CountDownLatch h = hold;
    hold = null;
    holdRenameTo = null;
    if (h != null) {
      h.countDown();
    }
  }

  /**
   * Holds the rename onto a file named {@code fileName} until {@link #release()}; {@link
   * #awaitHeldRename()} waits until one is being held.
   */
  public void holdRenameTo(String fileName) {
    hold = new java.util.concurrent.CountDownLatch(1);
    renameHeld = new java.util.concurrent.CountDownLatch(1);
    holdRenameTo = fileName;
  }

  /** Waits until a rename is being held; returns false after 10 s. */
  public boolean awaitHeldRename() throws InterruptedException {
    return renameHeld.await(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Returns the mutating operations so far, each as "operation path", in order. */
  public List<String> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  private void step(String what, Path path) throws IOException {
    log.add(what + " " + path);
    int n = operations.incrementAndGet();
    if (n == haltAt) {
      Runtime.getRuntime().halt(137);
    }
    if (n == failAt && !what.equals("delete")) {
      throw new IOException("injected failure of operation " + n + " (" + what + " " + path + ")");
    }
    if (diskFull && what.equals("write")) {
      throw new IOException("No space left on device (injected) writing " + path);
    }
    java.util.concurrent.CountDownLatch h = hold;
    if (h != null && what.equals("write") && holdRenameTo == null) {
      try {
        h.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while held");
      }
    }
  }

  @Override
  public SyncableOutputStream create(Path file) throws IOException {
    checkWritable(file);
    step("create", file);
    SyncableOutputStream out = delegate.create(file);
    return new SyncableOutputStream() {
      @Override
      public void write(int b) throws IOException {
        step("write", file);
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        step("write", file);
        out.write(b, off, len);
      }

      @Override
      public void sync() throws IOException {
        step("sync", file);
        out.sync();
      }

      @Override
      public void close() throws IOException {
        out.close();
        step("close", file);
      }
    };
  }

  @Override
  public AutoCloseable lock(Path file) throws IOException {
    checkWritable(file);
    return delegate.lock(file);
  }

  @Override
  public InputStream open(Path file) throws IOException {
    return delegate.open(file);
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    step("rename", from);
    java.util.concurrent.CountDownLatch h = hold;
    if (h != null && to.getFileName().toString().equals(holdRenameTo)) {
      renameHeld.countDown();
      try {
        h.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while held");
      }
    }
    delegate.rename(from, to);
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    step("sync-directory", directory);
    delegate.syncDirectory(directory);
  }

  @Override
  public void createDirectory(Path directory) throws IOException {
    checkWritable(directory);
    step("mkdir", directory);
    delegate.createDirectory(directory);
  }

  @Override
  public void delete(Path path) throws IOException {
    step("delete", path);
    delegate.delete(path);
  }

  @Override
  public List<Path> list(Path directory) throws IOException {
    return delegate.list(directory);
  }

  @Override
  public EntryType type(Path path) throws IOException {
    return delegate.type(path);
  }

  @Override
  public long size(Path file) throws IOException {
    return delegate.size(file);
  }
}
