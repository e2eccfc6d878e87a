package dev.cairn.benchmarks;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointParticipant;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.serde.StateAlias;
import dev.cairn.state.serde.StateDefault;
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
 * Schema migration on restore in RocksDB: a savepoint of {@code entries} keys of a record {@code
 * UserV1(name, age)} restored into a new RocksDB backend and registered, timed once per iteration,
 * either as is ({@code restore}: the plain restore) or with the record's next version, which gained
 * an {@code email} with a default ({@code restoreAndMigrate}: the same restore, then the column family
 * rewritten). Entries per second are {@code entries} / time; the migration alone is the difference.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar SchemaMigrationBenchmark -p entries=1000000
 * java -jar benchmarks/target/benchmarks.jar SchemaMigrationBenchmark -f 1 -wi 0 -i 1 -p entries=10000  # smoke
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@State(Scope.Benchmark)
public class SchemaMigrationBenchmark {

  /** The stored version of the record. */
  public record UserV1(String name, int age) {}

  /** The next version: an email with a default ({@link StateAlias}: one JVM holds both versions). */
  @StateAlias("dev.cairn.benchmarks.SchemaMigrationBenchmark$UserV1")
  public record UserV2(String name, int age, @StateDefault("unknown@example.com") String email) {}

  private static final String STATE = "user";

  @Param("1000000")
  public int entries;

  private Path root;
  private Path savepoint;
  private int run;

  @Setup(Level.Trial)
  public void writeSavepoint() throws Exception {
    root = Files.createTempDirectory("cairn-migration-bench");
    savepoint = root.resolve("savepoint");
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).build();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(root.resolve("job-v1")).build()) {
      CheckpointParticipant task = coordinator.register(backend, new OperatorStateStore());
      ValueState<UserV1> users = backend.getState(StateDescriptors.value(STATE, Serializers.record(UserV1.class)));
      for (long key = 0; key < entries; key++) {
        backend.setCurrentKey(key);
        users.update(new UserV1("user " + key, (int) (key % 100)));
      }
      task.savepointNow(savepoint).join();
    }
  }

  @TearDown(Level.Trial)
  public void deleteFiles() throws Exception {
    CheckpointBenchmark.deleteRecursively(root);
  }

  @TearDown(Level.Invocation)
  public void deleteRestoredJobs() throws Exception {
    CheckpointBenchmark.deleteRecursively(root.resolve("job-" + run));
  }

  /** Restores the savepoint and registers the state with {@code serializer}'s record type. */
  private <R extends Record> long restoreAs(Class<R> type) {
    run++;
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).build();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(root.resolve("job-" + run)).build()) {
      coordinator.register(backend, new OperatorStateStore());
      coordinator.restore(savepoint);
      ValueState<R> users = backend.getState(StateDescriptors.value(STATE, Serializers.record(type)));
      backend.setCurrentKey(entries - 1L);
      return users.value() == null ? 0 : 1;
    }
  }

  @Benchmark
  public long restore() {
    return restoreAs(UserV1.class);
  }

  @Benchmark
  public long restoreAndMigrate() {
    return restoreAs(UserV2.class);
  }
}
