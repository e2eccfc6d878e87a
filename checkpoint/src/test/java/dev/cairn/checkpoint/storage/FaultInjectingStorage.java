package dev.cairn.checkpoint.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link CheckpointStorage} over any other that counts the mutating operations of the SPI (create,
 * write, commit, abort, commitMetadata, delete, deletePrefix, sync, lease) and halts the JVM right
 * before the k-th (exit 137, no shutdown hooks: like SIGKILL), or fails it with an {@link
 * IOException}: the crash harness of {@code FaultInjectingFileLayer}, one level up, so that it runs
 * against every storage (local, S3, ...). Children share the count.
 */
public final class FaultInjectingStorage implements CheckpointStorage {

  private final CheckpointStorage delegate;
  private final AtomicInteger operations;
  private final int[] haltAt;
  private final int[] failAt;
  private final List<String> log;

  private FaultInjectingStorage(CheckpointStorage delegate, AtomicInteger operations, int[] haltAt, int[] failAt,
      List<String> log) {
    this.delegate = delegate;
    this.operations = operations;
    this.haltAt = haltAt;
    this.failAt = failAt;
    this.log = log;
  }

  /** Wraps {@code delegate}, injecting nothing until told to. */
  public static FaultInjectingStorage over(CheckpointStorage delegate) {
    return new FaultInjectingStorage(delegate, new AtomicInteger(), new int[] {-1}, new int[] {-1},
        java.util.Collections.synchronizedList(new java.util.ArrayList<>()));
  }

  /** Halts the JVM right before the {@code k}-th mutating operation from now on (1-based); 0 never. */
  public FaultInjectingStorage haltBeforeOperation(int k) {
    operations.set(0);
    haltAt[0] = k;
    return this;
  }

  /** Fails the {@code k}-th mutating operation from now on (1-based); 0 never. Deletes never fail. */
  public FaultInjectingStorage failOperation(int k) {
    operations.set(0);
    failAt[0] = k;
    return this;
  }

  /** Returns the number of mutating operations counted since the last halt or fail setting. */
  public int operations() {
    return operations.get();
  }

  /** Returns the operations so far, each as "operation location", in order. */
  public List<String> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  private void step(String what, String name) throws IOException {
    log.add(what + " " + delegate.describe(name));
    int n = operations.incrementAndGet();
    if (n == haltAt[0]) {
      Runtime.getRuntime().halt(137);
    }
    if (n == failAt[0] && !what.equals("delete")) {
      throw new IOException("injected failure of operation " + n + " (" + what + " " + delegate.describe(name) + ")");
    }
  }

  @Override
  public Output create(String name) throws IOException {
    step("create", name);
    Output out = delegate.create(name);
    return new Output() {
      @Override
      public void write(int b) throws IOException {
        step("write", name);
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        step("write", name);
        out.write(b, off, len);
      }

      @Override
      public void commit() throws IOException {
        try {
          step("commit", name);
        } catch (IOException e) {
          out.abort();
          throw e;
        }
        out.commit();
      }

      @Override
      public void abort() {
        log.add("abort " + delegate.describe(name));
        if (operations.incrementAndGet() == haltAt[0]) { // may halt, never fails (abort cannot)
          Runtime.getRuntime().halt(137);
        }
        out.abort();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }

  @Override
  public void commitMetadata(String name, byte[] bytes) throws IOException {
    step("commitMetadata", name);
    delegate.commitMetadata(name, bytes);
  }

  @Override
  public InputStream open(String name) throws IOException {
    return delegate.open(name);
  }

  @Override
  public long size(String name) throws IOException {
    return delegate.size(name);
  }

  @Override
  public boolean exists(String name) throws IOException {
    return delegate.exists(name);
  }

  @Override
  public Listing list(String prefix) throws IOException {
    return delegate.list(prefix);
  }

  @Override
  public void delete(String name) throws IOException {
    step("delete", name);
    delegate.delete(name);
  }

  @Override
  public void sync() throws IOException {
    step("sync", "");
    delegate.sync();
  }

  @Override
  public boolean deletePrefix(String prefix) throws IOException {
    step("deletePrefix", prefix);
    return delegate.deletePrefix(prefix);
  }

  @Override
  public AutoCloseable lease() throws IOException {
    step("lease", "");
    return delegate.lease();
  }

  @Override
  public CheckpointStorage child(String prefix) {
    return new FaultInjectingStorage(delegate.child(prefix), operations, haltAt, failAt, log);
  }

  @Override
  public String describe(String name) {
    return delegate.describe(name);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
