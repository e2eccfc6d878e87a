package dev.cairn.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One backend with {@code states} value states, one key each (RocksDB: one column family per state).
 * Single shots, each on a backend of its own:
 *
 * <ul>
 *   <li>{@code register}: a new backend, every state registered, then one key written to each;
 *   <li>{@code checkpoint}, {@code incrementalCheckpoint}: a checkpoint of the filled backend, both
 *       parts (canonical, or incremental and completed);
 *   <li>{@code restore}, {@code restoreIncremental}: a new backend from the first of these
 *       checkpoints (written once, in the setup), every state registered.
 * </ul>
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ManyStatesBenchmark -f 1 -wi 1 -i 3
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@State(Scope.Thread)
public class ManyStatesBenchmark {

  @Param("cairn-rocksdb")
  public String backend;

  @Param("1000")
  public int states;

  private String[] names;
  private BackendAdapter filled;
  private Path root;
  private Path canonical;
  private Path jobDirectory;
  private long baseId;
  private long nextCheckpointId = 1;
  /** The backend a single shot opened; closed after it, untimed. */
  private BackendAdapter opened;

  @Setup
  public void setUp() throws Exception {
    names = new String[states];
    for (int i = 0; i < states; i++) {
      names[i] = "state-" + i;
    }
    filled = BackendAdapters.open(backend);
    registerAndWrite(filled);
    root = Files.createTempDirectory("cairn-many-states-bench");
    canonical = root.resolve("canonical");
    try (BackendAdapter.PendingSnapshot snapshot = filled.snapshot(nextCheckpointId++, canonical)) {
      snapshot.complete();
    }
    jobDirectory = root.resolve("job");
    baseId = nextCheckpointId++;
    completeIncremental(baseId);
  }

  private void registerAndWrite(BackendAdapter adapter) throws Exception {
    BackendAdapter.ValueAccess[] values = new BackendAdapter.ValueAccess[states];
    for (int i = 0; i < states; i++) {
      values[i] = adapter.value(names[i]);
    }
    for (int i = 0; i < states; i++) {
      adapter.setCurrentKey((long) i);
      values[i].update((long) i);
    }
  }

  private void completeIncremental(long checkpointId) throws Exception {
    try (BackendAdapter.PendingSnapshot snapshot = filled.snapshot(checkpointId, jobDirectory, true)) {
      snapshot.complete();
    }
    filled.checkpointCompleted(checkpointId);
    filled.expireCheckpoints();
  }

  @TearDown(Level.Invocation)
  public void closeOpened() throws Exception {
    if (opened != null) {
      opened.close();
      opened = null;
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    filled.close();
    CheckpointBenchmark.deleteRecursively(root);
  }

  @Benchmark
  public void register() throws Exception {
    opened = BackendAdapters.open(backend);
    registerAndWrite(opened);
  }

  @Benchmark
  public void checkpoint() throws Exception {
    Path directory = root.resolve("checkpoint-" + nextCheckpointId);
    try (BackendAdapter.PendingSnapshot snapshot = filled.snapshot(nextCheckpointId++, directory)) {
      snapshot.complete();
    }
  }

  @Benchmark
  public void incrementalCheckpoint() throws Exception {
    completeIncremental(nextCheckpointId++);
  }

  @Benchmark
  public void restore() throws Exception {
    opened = filled.restore(canonical, names);
  }

  @Benchmark
  public void restoreIncremental() throws Exception {
    opened = filled.restoreIncremental(jobDirectory, baseId, names);
  }
}
