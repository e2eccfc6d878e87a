package dev.cairn.checkpoint;

import dev.cairn.checkpoint.storage.FileLayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A child-JVM program for {@link CrashAtEveryFileOperationTest}: restores, processes and takes
 * checkpoints (retaining one, so retention deletes), and halts the JVM abruptly (no shutdown hooks,
 * like SIGKILL) right before its k-th file operation.
 *
 * <p>Arguments: {@code <job dir> <k>}; k = 0 never halts and prints the number of operations.
 */
public final class CrashingJob {

  static final int ROUNDS = 2; // the second checkpoint's retention deletes the first
  static final int RECORDS_PER_ROUND = 500;

  private CrashingJob() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int haltAt = Integer.parseInt(args[1]);
    HaltingFileLayer files = new HaltingFileLayer(haltAt);
    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator =
            CheckpointCoordinator.builder(dir).fileLayer(files).retainedCheckpoints(1).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      coordinator.restoreLatest();
      job.open();
      long offset = job.offset();
      for (int round = 0; round < ROUNDS; round++) {
        job.processRange(offset, offset + RECORDS_PER_ROUND, CheckpointCoordinatorTest.KEYS);
        offset += RECORDS_PER_ROUND;
        CheckpointCoordinatorTest.checkpoint(coordinator, List.of(task));
      }
    }
    System.out.println(files.operations.get());
  }

  /** The local file layer, halting the JVM before operation number {@code haltAt}. */
  static final class HaltingFileLayer implements FileLayer {
    private final FileLayer delegate = FileLayer.local();
    private final int haltAt;
    final AtomicInteger operations = new AtomicInteger();

    HaltingFileLayer(int haltAt) {
      this.haltAt = haltAt;
    }

    private void step() {
      if (operations.incrementAndGet() == haltAt) {
        Runtime.getRuntime().halt(137);
      }
    }

    @Override
    public SyncableOutputStream create(Path file) throws IOException {
      step();
      SyncableOutputStream out = delegate.create(file);
      return new SyncableOutputStream() {
        @Override
        public void write(int b) throws IOException {
          step();
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          step();
          out.write(b, off, len);
        }

        @Override
        public void sync() throws IOException {
          step();
          out.sync();
        }

        @Override
        public void close() throws IOException {
          step();
          out.close();
        }
      };
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
      step();
      delegate.rename(from, to);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
      step();
      delegate.syncDirectory(directory);
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
      step();
      delegate.createDirectories(directory);
    }

    @Override
    public void delete(Path path) throws IOException {
      step();
      delegate.delete(path);
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
}
