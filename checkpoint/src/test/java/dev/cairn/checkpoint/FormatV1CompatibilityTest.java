package dev.cairn.checkpoint;

import static dev.cairn.checkpoint.CheckpointCoordinatorTest.checkpoint;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.spi.KeyGroupRange;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint and savepoint in {@code src/test/resources/format-v1} were written by format v1's
 * code (two heap participants, key groups 0-63 and 64-127, records [0, 500) over 50 keys). This build
 * must keep restoring them.
 */
class FormatV1CompatibilityTest {

  private static final long RECORDS = 500;
  private static final int KEYS = 50;

  @TempDir Path dir;

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(FormatV1CompatibilityTest.class.getResource("/format-v1/" + name).toURI());
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
  }

  private Map<Long, String> restoreIntoTwo(Path jobDir, Path restoreFrom) {
    try (TestJob a = new TestJob(new KeyGroupRange(0, 63));
        TestJob b = new TestJob(new KeyGroupRange(64, 127));
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(jobDir).build()) {
      coordinator.register(a.backend, a.operatorState);
      coordinator.register(b.backend, b.operatorState);
      long id = restoreFrom == null ? coordinator.restoreLatest().orElseThrow() : coordinator.restore(restoreFrom);
      assertThat(id).isEqualTo(restoreFrom == null ? 1 : 2);
      a.open();
      b.open();
      assertThat(a.offset()).isEqualTo(RECORDS);
      assertThat(b.offset()).isEqualTo(RECORDS);
      return TestJob.merge(List.of(a, b));
    }
  }

  @Test
  void v1Checkpoint_inTheJobDirectory_restoresExactlyAndTheJobGoesOnInV2() throws Exception {
    Path jobDir = dir.resolve("job");
    copy(fixture("chk-1"), jobDir.resolve("chk-1"));

    assertThat(restoreIntoTwo(jobDir, null)).isEqualTo(TestJob.expected(RECORDS, KEYS));

    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(jobDir).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      coordinator.restoreLatest();
      job.open();
      job.processRange(RECORDS, 800, KEYS);
      assertThat(checkpoint(coordinator, List.of(task)).checkpointId()).isEqualTo(2);
    }
    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(jobDir).build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThat(coordinator.restoreLatest()).hasValue(2);
      job.open();
      assertThat(job.dump()).isEqualTo(TestJob.expected(800, KEYS));
    }
  }

  @Test
  void v1Savepoint_restoresExactly() throws Exception {
    Path savepoint = dir.resolve("old-savepoint");
    copy(fixture("savepoint"), savepoint);

    assertThat(restoreIntoTwo(dir.resolve("job"), savepoint)).isEqualTo(TestJob.expected(RECORDS, KEYS));
  }
}
