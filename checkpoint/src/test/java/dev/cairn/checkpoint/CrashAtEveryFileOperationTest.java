package dev.cairn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes a child JVM right before each file operation of the checkpoint protocol in turn (creating
 * the directory, writing, fsyncing and renaming data files, writing and renaming {@code _metadata},
 * syncing directories, deleting expired checkpoints), then restarts: the restart must restore a
 * complete checkpoint whose state is exactly that of its input position, remove every leftover of the
 * crashed checkpoint, and go on to finish.
 */
class CrashAtEveryFileOperationTest {

  @TempDir Path dir;

  private static int run(Path jobDir, int haltAt, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(
            java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp", System.getProperty("java.class.path"), CrashingJob.class.getName(),
            jobDir.toString(), Integer.toString(haltAt))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  private static void assertOnlyCompleteCheckpoints(Path jobDir) throws Exception {
    try (Stream<Path> entries = Files.list(jobDir)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        assertThat(name).doesNotStartWith(".tmp-");
        if (Files.isDirectory(entry)) {
          assertThat(entry.resolve("_metadata")).as("%s is complete", name).exists();
          try (Stream<Path> files = Files.list(entry)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.startsWith(".tmp-"));
          }
        }
      }
    }
  }

  @Test
  void crashBeforeEachFileOperation_restartRestoresExactStateAndReclaimsOrphans() throws Exception {
    Path probe = dir.resolve("probe");
    assertThat(run(probe, 0, dir.resolve("probe.log"))).isZero();
    int operations = Integer.parseInt(Files.readAllLines(dir.resolve("probe.log")).get(0).trim());
    assertThat(operations).isGreaterThan(20);

    for (int k = 1; k <= operations; k++) {
      Path jobDir = dir.resolve("crash-" + k);
      assertThat(run(jobDir, k, dir.resolve("crash.log"))).as("halted before operation %d", k).isEqualTo(137);

      try (TestJob job = new TestJob();
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
        assertThat(run(jobDir, 0, dir.resolve("resume.log"))).as("resumes after crash %d", k).isZero();
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
