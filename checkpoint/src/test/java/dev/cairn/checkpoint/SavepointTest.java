package dev.cairn.checkpoint;

import static dev.cairn.checkpoint.CheckpointCoordinatorTest.KEYS;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.checkpoint;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.drive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavepointTest {

  @TempDir Path dir;

  private Map<Long, String> savepoint(Path target) {
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job")).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 2_000, KEYS);
      CompletedCheckpoint savepoint = drive(coordinator.triggerSavepoint(target), List.of(task));
      assertThat(savepoint.savepoint()).isTrue();
      checkpoint(coordinator, List.of(task));
      assertThat(coordinator.completedCheckpoints()).as("savepoints are not retained checkpoints")
          .extracting(CompletedCheckpoint::checkpointId).containsExactly(2L);
      return job.dump();
    }
  }

  @Test
  void savepoint_movedToAnotherDirectory_restoresExactly() throws Exception {
    Map<Long, String> saved = savepoint(dir.resolve("sp"));
    Path moved = dir.resolve("elsewhere/sp-moved");
    Files.createDirectories(moved.getParent());
    Files.move(dir.resolve("sp"), moved);

    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job2")).build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThat(coordinator.restore(moved)).isEqualTo(1);
      job.open();
      assertThat(job.dump()).isEqualTo(saved);
      assertThat(job.offset()).isEqualTo(2_000);
    }
  }

  @Test
  void disposeSavepoint_deletesItsFilesAndDirectory() {
    savepoint(dir.resolve("sp"));
    CheckpointCoordinator.disposeSavepoint(dir.resolve("sp"));
    assertThat(dir.resolve("sp")).doesNotExist();
  }

  @Test
  void disposeSavepoint_checkpointOrOtherDirectory_refusesAndDeletesNothing() throws Exception {
    savepoint(dir.resolve("sp"));
    assertThatThrownBy(() -> CheckpointCoordinator.disposeSavepoint(dir.resolve("job/chk-2")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("not a savepoint");
    assertThat(dir.resolve("job/chk-2/_metadata")).exists();
    Files.createDirectories(dir.resolve("precious"));
    Files.write(dir.resolve("precious/data"), new byte[] {1});
    assertThatThrownBy(() -> CheckpointCoordinator.disposeSavepoint(dir.resolve("precious")))
        .isInstanceOf(CheckpointException.class);
    assertThat(dir.resolve("precious/data")).exists();
  }

  @Test
  void triggerSavepoint_nonEmptyTarget_failsAndWritesNothing() throws Exception {
    Files.createDirectories(dir.resolve("full"));
    Files.write(dir.resolve("full/file"), new byte[] {1});
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job")).build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThatThrownBy(() -> coordinator.triggerSavepoint(dir.resolve("full")).join())
          .hasMessageContaining("not empty");
    }
    try (var entries = Files.list(dir.resolve("full"))) {
      assertThat(entries).hasSize(1);
    }
  }
}
