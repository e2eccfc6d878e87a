package dev.cairn.checkpoint.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointParticipant;
import dev.cairn.checkpoint.CheckpointStats;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint and restore times on HDFS (MiniDFSCluster in this JVM: one NameNode, one DataNode on local disk) next to the local
 * directory, for heap and RocksDB, full and incremental: a documented measurement that runs as a small
 * smoke test by default (20,000 keys; it checks that every restore is exact) and measures at scale with
 * a property:
 *
 * <pre>
 * nice -n 19 mvn -B -q -Dmaven.javadoc.skip -pl checkpoint/hdfs -am test -Dtest=HdfsCheckpointMeasurementTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dcairn.hdfs.measure.keys=1000000
 * </pre>
 *
 * <p>Per backend and storage: fill {@code keys} keys (a {@code ValueState<String>} of 32 characters);
 * <b>full</b>: one canonical checkpoint, then a restore into a new backend; <b>incremental</b>: the
 * base checkpoint, then 1% of the keys changed and one incremental checkpoint (time and bytes written),
 * then a restore of it. Times are wall-clock from trigger to completion (restore: build, restore,
 * register the state). The table goes to stdout and {@code checkpoint/hdfs/target/hdfs-measurement.txt}.
 */
@org.junit.jupiter.api.Timeout(value = 30, unit = TimeUnit.MINUTES)
class HdfsCheckpointMeasurementTest {

  private static final int KEYS = Integer.getInteger("cairn.hdfs.measure.keys", 20_000);
  private static final String STATE = "value";

  @TempDir Path dir;

  private record Row(String backend, String storage, String what, long millis, long bytes) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "| %-7s | %-5s | %-26s | %9d | %12s |", backend, storage, what, millis,
          bytes < 0 ? "" : Long.toString(bytes));
    }
  }

  private static String value(long key, int round) {
    return String.format(Locale.ROOT, "v%015d-r%014d", key, round); // 32 characters
  }

  private static void fill(KeyedStateBackend<Long> backend, ValueState<String> state, long from, long to, int round, long step) {
    for (long k = from; k < to; k += step) {
      backend.setCurrentKey(k);
      state.update(value(k, round));
    }
  }

  /** Triggers a checkpoint and drives the task's safe points until it completes; returns its statistics. */
  private static CheckpointStats checkpoint(CheckpointCoordinator coordinator, CheckpointParticipant task) {
    CompletableFuture<?> future = coordinator.triggerCheckpoint();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (!future.isDone() && System.nanoTime() < deadline) {
      task.checkpointIfPending();
      Thread.onSpinWait();
    }
    future.orTimeout(1, TimeUnit.SECONDS).join();
    task.checkpointIfPending();
    return coordinator.metrics().lastCompleted();
  }

  /** Restores the latest checkpoint at {@code location} into a new backend and checks it. */
  private static long restore(Supplier<KeyedStateBackend<Long>> factory, String location, boolean incremental, int changedRound) {
    long start = System.nanoTime();
    CheckpointCoordinator.Builder builder = CheckpointCoordinator.builder(location);
    if (incremental) {
      builder.incrementalCheckpoints();
    }
    try (KeyedStateBackend<Long> backend = factory.get(); CheckpointCoordinator coordinator = builder.build()) {
      coordinator.register(backend, new OperatorStateStore());
      assertThat(coordinator.restoreLatest()).isPresent();
      ValueState<String> state = backend.getState(StateDescriptors.value(STATE, Serializers.STRING));
      long millis = (System.nanoTime() - start) / 1_000_000;
      for (long k = 0; k < KEYS; k += Math.max(1, KEYS / 1000)) {
        backend.setCurrentKey(k);
        int round = changedRound > 0 && k % 100 == 0 ? changedRound : 0;
        assertThat(state.value()).as("key %d restored from %s", k, location).isEqualTo(value(k, round));
      }
      try (var keys = backend.keys(STATE)) {
        assertThat(keys.count()).isEqualTo(KEYS);
      }
      return millis;
    }
  }

  private static void measure(String backendName, Supplier<KeyedStateBackend<Long>> factory, String storage,
      Supplier<String> newLocation, List<Row> rows) {
    String full = newLocation.get();
    try (KeyedStateBackend<Long> backend = factory.get();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(full).build()) {
      CheckpointParticipant task = coordinator.register(backend, new OperatorStateStore());
      ValueState<String> state = backend.getState(StateDescriptors.value(STATE, Serializers.STRING));
      fill(backend, state, 0, KEYS, 0, 1);
      CheckpointStats stats = checkpoint(coordinator, task);
      rows.add(new Row(backendName, storage, "full checkpoint", stats.totalDuration().toMillis(), stats.sizeBytes()));
    }
    rows.add(new Row(backendName, storage, "full restore", restore(factory, full, false, 0), -1));

    String incremental = newLocation.get();
    try (KeyedStateBackend<Long> backend = factory.get();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(incremental).incrementalCheckpoints().build()) {
      CheckpointParticipant task = coordinator.register(backend, new OperatorStateStore());
      ValueState<String> state = backend.getState(StateDescriptors.value(STATE, Serializers.STRING));
      fill(backend, state, 0, KEYS, 0, 1);
      CheckpointStats base = checkpoint(coordinator, task);
      rows.add(new Row(backendName, storage, "incremental base", base.totalDuration().toMillis(), base.incrementalSizeBytes()));
      fill(backend, state, 0, KEYS, 1, 100); // 1% of the keys change
      CheckpointStats delta = checkpoint(coordinator, task);
      rows.add(new Row(backendName, storage, "incremental, 1% changed", delta.totalDuration().toMillis(), delta.incrementalSizeBytes()));
    }
    rows.add(new Row(backendName, storage, "incremental restore", restore(factory, incremental, true, 1), -1));
  }

  @Test
  void checkpointAndRestoreTimes_localAndHdfs_heapAndRocksDb() throws Exception {
    HdfsTestCluster hdfs = HdfsTestCluster.get();
    List<Row> rows = new ArrayList<>();
    int[] n = {0};
    String run = "measure-" + System.nanoTime() % 1_000_000;
    Supplier<String> local = () -> dir.resolve("job-" + (++n[0])).toString();
    Supplier<String> remote = () -> hdfs.location(run + "/job-" + (++n[0]));
    Supplier<KeyedStateBackend<Long>> heap = () -> HeapStateBackend.builder(Serializers.LONG).build();
    Supplier<KeyedStateBackend<Long>> rocksdb = () -> RocksDbStateBackend.builder(Serializers.LONG).build();
    measure("heap", heap, "local", local, rows);
    measure("heap", heap, "hdfs", remote, rows);
    measure("rocksdb", rocksdb, "local", local, rows);
    measure("rocksdb", rocksdb, "hdfs", remote, rows);

    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "%d keys (ValueState<String>, 32 characters); hdfs = MiniDFSCluster in-process (1 NameNode, 1 DataNode, replication 1) on local disk%n", KEYS));
    table.append("| backend | store | what                       | time (ms) | bytes        |\n");
    table.append("|---|---|---|---:|---:|\n");
    rows.forEach(r -> table.append(r).append('\n'));
    System.out.print(table);
    Files.writeString(Path.of("target", "hdfs-measurement.txt"), table);
    assertThat(rows).hasSize(20);
  }
}
