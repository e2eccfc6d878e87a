package dev.cairn.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Incremental checkpoints of a {@code ValueState<Long>} of {@code keys} keys. After filling (and,
 * for RocksDB, flushing and compacting) the state, the first iteration's setup takes a full
 * checkpoint (its size is the {@code fullBytes} counter; deleted at once), then the first
 * incremental checkpoint (the base: it writes everything; its size is {@code baseBytes}) and
 * completes it. Then
 *
 * <ul>
 *   <li>{@code incrementalCheckpoint}: before each invocation, untimed, {@code changed} × {@code
 *       keys} keys get a new value (fresh keys each time, from a seeded permutation); the invocation
 *       times one incremental checkpoint: synchronous part, asynchronous part (files on local disk),
 *       then its completion (Cairn: metadata commit and backend notification, where {@code
 *       CheckpointCoordinator} completes the checkpoint's future; Flink: {@code
 *       notifyCheckpointComplete}, as Flink's task does). Housekeeping follows untimed, after each
 *       invocation: Cairn removes the checkpoints beyond the last two, as the coordinator does next
 *       on its thread; Flink's job manager, which would discard subsumed checkpoints, is not run. The {@code bytes}
 *       counter is what the checkpoint wrote (Flink: {@code getCheckpointedSize()}), to compare with
 *       {@code fullBytes};
 *   <li>{@code restore}: a new backend from the base checkpoint, natively (RocksDB: its files placed,
 *       not re-inserted; Flink: the first checkpoint's handle, which has no placeholders), the state
 *       registered so that lazy restores count. The source is not claimed.
 * </ul>
 *
 * <p>Adapters: {@code cairn-rocksdb}, {@code cairn-heap} (Cairn jar) and {@code
 * flink-rocksdb-incremental} (Flink jar; its full checkpoint is a canonical savepoint). Flink's heap
 * backend has no incremental checkpoints.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar IncrementalCheckpointBenchmark -wi 1 -i 3 \
 *     -p backend=cairn-rocksdb,cairn-heap -p keys=100000,1000000
 * java -jar benchmarks/flink-baselines/target/flink-baselines.jar IncrementalCheckpointBenchmark -wi 1 -i 3 \
 *     -p backend=flink-rocksdb-incremental -p keys=100000,1000000
 * # heap: time against changed keys, not state size (1000 keys changed in both)
 * java -jar benchmarks/target/benchmarks.jar 'IncrementalCheckpointBenchmark.incrementalCheckpoint' \
 *     -wi 1 -i 3 -p backend=cairn-heap -p keys=1000000 -p changed=0.001
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class IncrementalCheckpointBenchmark extends KeyedStateBenchmarkBase {

  private static final String STATE = "value";

  /** The fraction of the keys that get a new value before each incremental checkpoint. */
  @Param("0.01")
  public double changed;

  private BackendAdapter.ValueAccess state;
  private Path root;
  private Path jobDirectory;
  private long nextCheckpointId = 1;
  private long baseId;
  private long fullBytes;
  private long baseBytes;
  /** The keys in the order they are changed: a seeded permutation. */
  private int[] order;
  private int nextChange;
  private long round;
  private BackendAdapter restored;

  /** What the last incremental checkpoint wrote, next to a full checkpoint of the same state. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Written {
    /** Bytes the incremental checkpoint wrote. */
    public long bytes;
    /** Bytes a full checkpoint of the filled state wrote. */
    public long fullBytes;
    /** Bytes the base (first incremental) checkpoint wrote. */
    public long baseBytes;
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

  /** Once the backend is filled: the full checkpoint (measured, then deleted) and the base. */
  @Setup(Level.Iteration)
  public void writeBase() throws Exception {
    if (root != null) {
      return;
    }
    root = Files.createTempDirectory("cairn-incremental-bench");
    Path full = root.resolve("full");
    try (BackendAdapter.PendingSnapshot snapshot = adapter.snapshot(nextCheckpointId++, full)) {
      fullBytes = snapshot.complete();
    }
    CheckpointBenchmark.deleteRecursively(full);
    jobDirectory = root.resolve("job");
    baseId = nextCheckpointId++;
    try (BackendAdapter.PendingSnapshot snapshot = adapter.snapshot(baseId, jobDirectory, true)) {
      baseBytes = snapshot.complete();
    }
    adapter.checkpointCompleted(baseId);
    adapter.expireCheckpoints();
    order = new int[keys];
    for (int i = 0; i < keys; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(4242);
    for (int i = keys - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  /** Before each incremental checkpoint, untimed: new values for keys not changed before. */
  @Setup(Level.Invocation)
  public void changeKeys(BenchmarkParams params) throws Exception {
    if (!params.getBenchmark().endsWith(".incrementalCheckpoint")) {
      return;
    }
    round++;
    int count = Math.max(1, (int) Math.round(keys * changed));
    for (int i = 0; i < count; i++) {
      long key = order[nextChange++ % keys];
      adapter.setCurrentKey(key);
      state.update(key + round * keys);
    }
  }

  @TearDown(Level.Invocation)
  public void release() throws Exception {
    adapter.expireCheckpoints();
    if (restored != null) {
      restored.close();
      restored = null;
    }
  }

  @TearDown
  public void deleteFiles() throws IOException {
    if (root != null) {
      CheckpointBenchmark.deleteRecursively(root);
    }
  }

  @Benchmark
  public void incrementalCheckpoint(Written written) throws Exception {
    long id = nextCheckpointId++;
    try (BackendAdapter.PendingSnapshot snapshot = adapter.snapshot(id, jobDirectory, true)) {
      written.bytes = snapshot.complete();
    }
    adapter.checkpointCompleted(id);
    written.fullBytes = fullBytes;
    written.baseBytes = baseBytes;
  }

  @Benchmark
  public void restore() throws Exception {
    restored = adapter.restoreIncremental(jobDirectory, baseId, STATE);
  }
}
