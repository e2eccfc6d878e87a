package dev.cairn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.state.spi.KeyGroupRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Crashes a child JVM ({@link CrashingJob} over {@code FaultInjectingStorage}) right before each
 * mutating operation of the storage SPI in turn — create, write, commit, abort, commitMetadata,
 * delete, deletePrefix, sync, lease — then restarts in this JVM: the restart must find only complete
 * checkpoints and exactly the shared objects they list (read through the SPI), and restore state that
 * is exactly that of its input position. The crash harness of {@link CrashAtEveryFileOperationTest},
 * one level up, so it runs against every storage. Subclasses give locations, the variants to run
 * (heap full, heap incremental, RocksDB incremental) and each one's stride.
 */
public abstract class StorageCrashContract {

  private static final java.util.concurrent.atomic.AtomicInteger JOBS = new java.util.concurrent.atomic.AtomicInteger();

  /** A fresh, empty location named after {@code name}, for {@link CheckpointStorage#forLocation}. */
  protected abstract String location(String name);

  /** JVM options a child JVM needs to reach the storage (credentials as system properties, say). */
  protected List<String> childJvmOptions() {
    return List.of();
  }

  /** The variants to crash: {@code heap}, {@code heap-incremental}, {@code rocksdb-incremental}. */
  protected abstract List<String> variants();

  /**
   * Crash before every {@code stride}-th storage operation of a variant, from an offset that changes
   * per run (1: before every one); {@code -Dcairn.crash.stride=N} overrides it.
   */
  protected abstract int stride(String variant);

  /**
   * Whether a listed name is the test server's own file rather than an object Cairn wrote; none by
   * default. (s3proxy's file store lists the temporary file of an upload still in progress — that of
   * a killed client, until the server's idle timeout — as an object.)
   */
  protected boolean isServerArtifact(String name) {
    return false;
  }

  private String newLocation(String what) {
    return location(what + "-" + JOBS.incrementAndGet() + "-" + ProcessHandle.current().pid() % 1000);
  }

  @TestFactory
  public Stream<DynamicTest> crashBeforeEachStorageOperation_restartRestoresExactStateAndLeavesOnlyCompleteCheckpoints() {
    return variants().stream().map(v -> DynamicTest.dynamicTest(v, () -> crashBeforeEachStorageOperation(v)));
  }

  private int runChild(String location, int haltAt, String variant, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    command.addAll(childJvmOptions());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashingJob.class.getName(),
        location, Integer.toString(haltAt), variant, "storage"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  /** One variant's run: a dynamic test. */
  private void crashBeforeEachStorageOperation(String variant) throws Exception {
    Path logs = Files.createTempDirectory("cairn-crash-logs");
    String probe = newLocation("probe-" + variant);
    int exit = runChild(probe, 0, variant, logs.resolve("probe.log"));
    assertThat(exit).as("probe run; output:%n%s", Files.readString(logs.resolve("probe.log"))).isZero();
    List<String> lines = Files.readAllLines(logs.resolve("probe.log"));
    int operations = Integer.parseInt(lines.get(lines.size() - 1).trim());
    assertThat(operations).isGreaterThan(10);
    int stride = Integer.getInteger("cairn.crash.stride", stride(variant));
    int first = 1 + (int) (System.nanoTime() % stride);
    System.out.printf("%s on %s: %d storage operations, crashing before every %d-th from %d%n", variant,
        getClass().getSimpleName(), operations, stride, first);
    Set<Long> restoredOffsets = new HashSet<>();
    for (int k = first; k <= operations; k += stride) {
      String location = newLocation("crash-" + variant + "-" + k);
      exit = runChild(location, k, variant, logs.resolve("crash.log"));
      assertThat(exit).as("%s halted before operation %d; its output:%n%s", variant, k,
          Files.readString(logs.resolve("crash.log"))).isEqualTo(137);
      CheckpointCoordinator.Builder builder = CheckpointCoordinator.builder(location);
      if (variant.endsWith("incremental")) {
        builder.incrementalCheckpoints();
      }
      try (TestJob job = new TestJob(variant.startsWith("rocksdb") ? TestJob.ROCKSDB : TestJob.HEAP, KeyGroupRange.all(128));
          CheckpointCoordinator coordinator = builder.build()) {
        StorageConformanceContract.assertOnlyCompleteCheckpoints(location, variant + " after a crash before operation " + k,
            this::isServerArtifact);
        coordinator.register(job.backend, job.operatorState);
        OptionalLong restored = coordinator.restoreLatest();
        job.open();
        long offset = job.offset();
        restoredOffsets.add(offset);
        assertThat(offset % CrashingJob.RECORDS_PER_ROUND).isZero();
        assertThat(restored.isPresent()).isEqualTo(offset > 0);
        assertThat(job.dump()).as("state at offset %d after a crash before operation %d", offset, k)
            .isEqualTo(TestJob.expected(offset, CheckpointCoordinatorTest.KEYS));
      }
    }
    assertThat(restoredOffsets).as("crashes hit before, between and after checkpoints").hasSizeGreaterThan(1);
    try (var files = Files.list(logs)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(logs);
  }
}
