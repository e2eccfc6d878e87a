package dev.cairn.checkpoint.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A file layer that counts mutating operations (create, write, sync, close, rename, directory sync,
 * mkdir, delete) and fails the one with a chosen number, or every one after a "disk full" point.
 */
final class FaultInjectingFileLayer implements FileLayer {

  private final FileLayer delegate = FileLayer.local();
  private final AtomicInteger operations = new AtomicInteger();
  private volatile int failAt = -1;

  /** Fails the {@code k}-th mutating operation from now on (1-based); 0 or less disables. */
  void failOperation(int k) {
    operations.set(0);
    failAt = k;
  }

  /** Returns the number of mutating operations since the last {@link #failOperation}. */
  int operations() {
    return operations.get();
  }

  private void step(String what, Path path) throws IOException {
    int n = operations.incrementAndGet();
    if (n == failAt) {
      throw new IOException("injected failure of operation " + n + " (" + what + " " + path + ")");
    }
  }

  @Override
  public SyncableOutputStream create(Path file) throws IOException {
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
    return delegate.lock(file);
  }

  @Override
  public InputStream open(Path file) throws IOException {
    return delegate.open(file);
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    step("rename", from);
    delegate.rename(from, to);
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    step("sync-directory", directory);
    delegate.syncDirectory(directory);
  }

  @Override
  public void createDirectories(Path directory) throws IOException {
    step("mkdir", directory);
    delegate.createDirectories(directory);
  }

  @Override
  public void delete(Path path) throws IOException {
    delegate.delete(path); // cleanup must be able to succeed for the assertions about leftovers
  }

  @Override
  public List<Path> list(Path directory) throws IOException {
    return delegate.list(directory);
  }

  @Override
  public boolean exists(Path path) {
    return delegate.exists(path);
  }

  @Override
  public boolean isDirectory(Path path) {
    return delegate.isDirectory(path);
  }

  @Override
  public long size(Path file) throws IOException {
    return delegate.size(file);
  }
}
