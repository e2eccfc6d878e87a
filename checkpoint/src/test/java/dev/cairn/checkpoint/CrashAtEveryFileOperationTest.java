package dev.cairn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.internal.CheckpointMetadata;
import dev.cairn.checkpoint.internal.JobStore;
import dev.cairn.checkpoint.internal.StoredFile;
import dev.cairn.checkpoint.storage.FileLayer;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import dev.cairn.state.spi.KeyGroupRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crashes a child JVM right before each file operation of the checkpoint protocol in turn (creating
 * the directory, writing, fsyncing and renaming data files, writing and renaming {@code _metadata},
 * syncing directories, deleting expired checkpoints), then restarts: the restart must restore a
 * complete checkpoint whose state is exactly that of its input position, remove every leftover of the
 * crashed checkpoint (shared files included), and go on to finish. Variants: heap with full
 * checkpoints, heap and RocksDB with incremental ones. RocksDB's native checkpoints have many more
 * file operations (an SST file per state and checkpoint), so by default its variant crashes before
 * every 3rd operation, at an offset that changes each run (printed); {@code -Dcairn.crash.stride=1}
 * crashes before every one.
 */
class CrashAtEveryFileOperationTest {

  @TempDir Path dir;

  private static int run(Path jobDir, int haltAt, String variant, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(
            java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp", System.getProperty("java.class.path"), CrashingJob.class.getName(),
            jobDir.toString(), Integer.toString(haltAt), variant)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  /** Only complete checkpoints, no temporary file, and exactly the shared files they list. */
  private static void assertOnlyCompleteCheckpoints(Path jobDir) throws Exception {
    java.util.Set<String> referenced = new java.util.HashSet<>();
    try (Stream<Path> entries = Files.list(jobDir)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        assertThat(name).doesNotStartWith(".tmp-");
        if (Files.isDirectory(entry) && !name.equals("shared")) {
          CheckpointMetadata metadata = JobStore.readMetadata(LocalCheckpointStorage.at(FileLayer.local(), entry));
          metadata.files().stream().filter(StoredFile::shared).forEach(f -> referenced.add(f.path()));
          assertThat(entry.resolve("_metadata")).as("%s is complete", name).exists();
          try (Stream<Path> files = Files.list(entry)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.startsWith(".tmp-"));
          }
        }
      }
    }
    if (Files.isDirectory(jobDir.resolve("shared"))) {
      assertThat(CheckpointCoordinatorTest.entries(jobDir.resolve("shared")).stream().map(f -> "shared/" + f))
          .as("shared files after reopening").containsExactlyInAnyOrderElementsOf(referenced);
    } else {
      assertThat(referenced).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "heap-incremental", "rocksdb-incremental"})
  void crashBeforeEachFileOperation_restartRestoresExactStateAndReclaimsOrphans(String variant) throws Exception {
    Path probe = dir.resolve("probe");
    assertThat(run(probe, 0, variant, dir.resolve("probe.log"))).isZero();
    int operations = Integer.parseInt(Files.readAllLines(dir.resolve("probe.log")).get(0).trim());
    assertThat(operations).isGreaterThan(20);
    int stride = Integer.getInteger("cairn.crash.stride", variant.startsWith("rocksdb") ? 3 : 1);
    int first = 1 + (int) (System.nanoTime() % stride);
    System.out.printf("%s: %d file operations, crashing before every %d-th from %d%n", variant, operations, stride, first);

    for (int k = first; k <= operations; k += stride) {
      Path jobDir = dir.resolve("crash-" + k);
      int exit = run(jobDir, k, variant, dir.resolve("crash.log"));
      assertThat(exit).as("%s halted before operation %d; its output:%n%s", variant, k,
          Files.readString(dir.resolve("crash.log"))).isEqualTo(137);

      try (TestJob job = new TestJob(variant.startsWith("rocksdb") ? TestJob.ROCKSDB : TestJob.HEAP, KeyGroupRange.all(128));
          CheckpointCoordinator coordinator = CheckpointCoordinator.builder(jobDir).build()) {
        assertOnlyCompleteCheckpoints(jobDir); // opening the directory reclaimed the orphans
        coordinator.register(job.backend, job.operatorState);
        OptionalLong restored = coordinator.restoreLatest();
        job.open();
        long offset = job.offset();
        assertThat(offset % CrashingJob.RECORDS_PER_ROUND).isZero();
        assertThat(restored.isPresent()).isEqualTo(offset > 0);
        assertThat(job.dump()).as("state at offset %d after a crash before operation %d", offset, k)
            .isEqualTo(TestJob.expected(offset, CheckpointCoordinatorTest.KEYS));
      }
      if (k % 5 == 0) { // restoring in-process above proves the state; a full resume now and then
        assertThat(run(jobDir, 0, variant, dir.resolve("resume.log"))).as("resumes after crash %d", k).isZero();
      }
      deleteRecursively(jobDir);
    }
  }

  private static void deleteRecursively(Path path) throws Exception {
    try (Stream<Path> files = Files.walk(path)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
