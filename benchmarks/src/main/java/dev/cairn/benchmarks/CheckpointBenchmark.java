package dev.cairn.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Checkpoints of a {@code ValueState<Long>} of {@code keys} keys, each timed once per iteration:
 * {@code synchronousPart} (the processing pause), {@code checkpoint} (synchronous and asynchronous
 * part, files written to local disk; its {@code bytes} counter is the size written) and {@code
 * restore} (into a new backend, the state registered so that lazy restores count).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar CheckpointBenchmark -p backend=cairn-heap,cairn-rocksdb
 * java -jar benchmarks/flink-baselines/target/flink-baselines.jar CheckpointBenchmark \
 *     -p backend=flink-heap,flink-rocksdb
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class CheckpointBenchmark extends KeyedStateBenchmarkBase {

  private static final String STATE = "value";

  private BackendAdapter.ValueAccess state;
  private Path root;
  private Path restoreSource;
  private long nextCheckpointId = 1;
  private BackendAdapter.PendingSnapshot pending;
  private BackendAdapter restored;

  /** What the last checkpoint wrote. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Written {
    public long bytes;
  }

  @Override
  protected void register() throws Exception {
    state = adapter.value(STATE);
  }

  @Override
  protected void fill(Long key) throws Exception {
    state.update(key);
  }

  @Override
  protected long read() throws Exception {
    return state.get();
  }

  /** Writes the checkpoint {@code restore} reads, once the backend is filled. */
  @Setup(Level.Iteration)
  public void writeRestoreSource() throws Exception {
    if (root == null) {
      root = Files.createTempDirectory("cairn-checkpoint-bench");
      restoreSource = root.resolve("restore-source");
      try (BackendAdapter.PendingSnapshot snapshot = adapter.snapshot(nextCheckpointId++, restoreSource)) {
        snapshot.complete();
      }
    }
  }

  @TearDown(Level.Invocation)
  public void release() throws Exception {
    if (pending != null) {
      pending.close();
      pending = null;
    }
    if (restored != null) {
      restored.close();
      restored = null;
    }
    deleteExcept(restoreSource);
  }

  @TearDown
  public void deleteFiles() throws IOException {
    deleteExcept(null);
  }

  @Benchmark
  public void synchronousPart() throws Exception {
    pending = adapter.snapshot(nextCheckpointId, root.resolve("chk-" + nextCheckpointId++));
  }

  @Benchmark
  public void checkpoint(Written written) throws Exception {
    try (BackendAdapter.PendingSnapshot snapshot =
        adapter.snapshot(nextCheckpointId, root.resolve("chk-" + nextCheckpointId++))) {
      written.bytes = snapshot.complete();
    }
  }

  @Benchmark
  public void restore() throws Exception {
    restored = adapter.restore(restoreSource, STATE);
  }

  private void deleteExcept(Path keep) throws IOException {
    if (root == null) {
      return;
    }
    try (Stream<Path> entries = Files.list(root)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        if (!entry.equals(keep)) {
          deleteRecursively(entry);
        }
      }
    }
    if (keep == null) {
      Files.deleteIfExists(root);
    }
  }

  /** Deletes a file or a directory tree. */
  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
