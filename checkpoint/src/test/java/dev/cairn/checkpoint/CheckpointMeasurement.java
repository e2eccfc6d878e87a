package dev.cairn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Checkpoint and restore times on a remote storage next to a local directory, for heap and RocksDB,
 * full and incremental — the measurement the S3 and HDFS modules run (their {@code
 * *CheckpointMeasurementTest}): a small smoke test by default that checks every restore is exact, and
 * a measurement at scale with a property.
 *
 * <p>Per backend and storage: fill {@code keys} keys (a {@code ValueState<String>} of 32 characters);
 * <b>full</b>: one canonical checkpoint, then a restore into a new backend; <b>incremental</b>: the
 * base checkpoint, then 1% of the keys changed and one incremental checkpoint (time and bytes written),
 * then a restore of it. Times are wall-clock from trigger to completion (restore: build, restore,
 * register the state).
 */
public final class CheckpointMeasurement {


  private static final String STATE = "value";

  private final int keys;

  private CheckpointMeasurement(int keys) {
    this.keys = keys;
  }

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
  private long restore(Supplier<KeyedStateBackend<Long>> factory, String location, boolean incremental, int changedRound) {
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
      for (long k = 0; k < keys; k += Math.max(1, keys / 1000)) {
        backend.setCurrentKey(k);
        int round = changedRound > 0 && k % 100 == 0 ? changedRound : 0;
        assertThat(state.value()).as("key %d restored from %s", k, location).isEqualTo(value(k, round));
      }
      try (var stored = backend.keys(STATE)) {
        assertThat(stored.count()).isEqualTo(keys);
      }
      return millis;
    }
  }

  private void measure(String backendName, Supplier<KeyedStateBackend<Long>> factory, String storage,
      Supplier<String> newLocation, List<Row> rows) {
    String full = newLocation.get();
    try (KeyedStateBackend<Long> backend = factory.get();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(full).build()) {
      CheckpointParticipant task = coordinator.register(backend, new OperatorStateStore());
      ValueState<String> state = backend.getState(StateDescriptors.value(STATE, Serializers.STRING));
      fill(backend, state, 0, keys, 0, 1);
      CheckpointStats stats = checkpoint(coordinator, task);
      rows.add(new Row(backendName, storage, "full checkpoint", stats.totalDuration().toMillis(), stats.sizeBytes()));
    }
    rows.add(new Row(backendName, storage, "full restore", restore(factory, full, false, 0), -1));

    String incremental = newLocation.get();
    try (KeyedStateBackend<Long> backend = factory.get();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(incremental).incrementalCheckpoints().build()) {
      CheckpointParticipant task = coordinator.register(backend, new OperatorStateStore());
      ValueState<String> state = backend.getState(StateDescriptors.value(STATE, Serializers.STRING));
      fill(backend, state, 0, keys, 0, 1);
      CheckpointStats base = checkpoint(coordinator, task);
      rows.add(new Row(backendName, storage, "incremental base", base.totalDuration().toMillis(), base.incrementalSizeBytes()));
      fill(backend, state, 0, keys, 1, 100); // 1% of the keys change
      CheckpointStats delta = checkpoint(coordinator, task);
      rows.add(new Row(backendName, storage, "incremental, 1% changed", delta.totalDuration().toMillis(), delta.incrementalSizeBytes()));
    }
    rows.add(new Row(backendName, storage, "incremental restore", restore(factory, incremental, true, 1), -1));
  }

  /**
   * Measures {@code keys} keys on heap and RocksDB, each on the local directory {@code localDir} and on
   * {@code remote} (a new location per call, e.g. {@code s3://...}); returns the table (markdown), also
   * printed to stdout.
   *
   * @param storage the remote storage's short name for the table ("s3", "hdfs")
   * @param description what the remote storage is, for the table's first line
   */
  public static String compareWithLocal(int keys, Path localDir, String storage, Supplier<String> remote,
      String description) {
    CheckpointMeasurement measurement = new CheckpointMeasurement(keys);
    List<Row> rows = new ArrayList<>();
    int[] n = {0};
    Supplier<String> local = () -> localDir.resolve("job-" + (++n[0])).toString();
    Supplier<KeyedStateBackend<Long>> heap = () -> HeapStateBackend.builder(Serializers.LONG).build();
    Supplier<KeyedStateBackend<Long>> rocksdb = () -> RocksDbStateBackend.builder(Serializers.LONG).build();
    measurement.measure("heap", heap, "local", local, rows);
    measurement.measure("heap", heap, storage, remote, rows);
    measurement.measure("rocksdb", rocksdb, "local", local, rows);
    measurement.measure("rocksdb", rocksdb, storage, remote, rows);

    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "%d keys (ValueState<String>, 32 characters); %s%n", keys, description));
    table.append("| backend | store | what                       | time (ms) | bytes        |\n");
    table.append("|---|---|---|---:|---:|\n");
    rows.forEach(r -> table.append(r).append('\n'));
    System.out.print(table);
    assertThat(rows).hasSize(20);
    return table.toString();
  }
}
