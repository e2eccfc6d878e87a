package dev.cairn.checkpoint;

import static dev.cairn.checkpoint.CheckpointCoordinatorTest.KEYS;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.checkpoint;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.drive;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.checkpoint.internal.JobStore;
import dev.cairn.checkpoint.storage.FaultInjectingFileLayer;
import dev.cairn.checkpoint.storage.FileLayer;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.serde.Serializers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Faults (failed I/O at every step, full disk, slow disk), corruption, and bad restores. */
class CheckpointFailureTest {

  @TempDir Path dir;

  private final FaultInjectingFileLayer faulty = new FaultInjectingFileLayer();

  private static void assertFails(CompletableFuture<CompletedCheckpoint> future, List<CheckpointParticipant> tasks) {
    assertThatThrownBy(() -> drive(future, tasks)).isInstanceOf(CompletionException.class);
  }

  @Test
  void checkpoint_failureAtEveryFileOperation_leavesPreviousRestorableAndNextSucceeds() throws Exception {
    Map<Long, String> atFirst;
    int operations;
    long lastGood;
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator =
            CheckpointCoordinator.builder(dir).fileLayer(faulty).tolerableConsecutiveFailures(1_000).build()) {
      List<CheckpointParticipant> tasks = List.of(coordinator.register(job.backend, job.operatorState));
      job.processRange(0, 2_000, KEYS);
      atFirst = job.dump();
      faulty.failOperation(0);
      checkpoint(coordinator, tasks);
      operations = faulty.operations();
      assertThat(operations).as("file operations of one checkpoint").isGreaterThan(10);

      job.processRange(2_000, 3_000, KEYS); // never part of a completed checkpoint below
      for (int k = 1; k <= operations; k++) {
        faulty.failOperation(k);
        CompletableFuture<CompletedCheckpoint> future = coordinator.triggerCheckpoint();
        assertFails(future, tasks);
        assertThat(entries(dir)).as("after failing operation %d", k).containsExactly("_lock", "chk-1");
        JobStore.readMetadata(LocalCheckpointStorage.at(FileLayer.local(), dir.resolve("chk-1")));
      }
      faulty.failOperation(0);
      lastGood = checkpoint(coordinator, tasks).checkpointId();
      assertThat(lastGood).isEqualTo(operations + 2L);
    }
    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThat(coordinator.restoreLatest()).hasValue(lastGood);
      job.open();
      assertThat(job.dump()).isEqualTo(TestJob.expected(3_000, KEYS)).isNotEqualTo(atFirst);
    }
  }

  @Test
  void checkpoint_diskFull_failsWithTypedErrorAndStopsAfterToleratedFailures() throws Exception {
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator =
            CheckpointCoordinator.builder(dir).fileLayer(faulty).tolerableConsecutiveFailures(1).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 500, KEYS);
      checkpoint(coordinator, List.of(task));
      faulty.diskFull(true);
      for (int i = 0; i < 2; i++) {
        CompletableFuture<CompletedCheckpoint> future = coordinator.triggerCheckpoint();
        assertThatThrownBy(() -> drive(future, List.of(task)))
            .hasRootCauseInstanceOf(java.io.IOException.class)
            .rootCause()
            .hasMessageContaining("No space left on device");
        // the task thread may hear of the failure before the abort finished removing the files;
        // the future completes only after that
        assertThatThrownBy(future::join).hasRootCauseInstanceOf(java.io.IOException.class);
      }
      assertThat(coordinator.failure()).hasMessageContaining("2 consecutive checkpoints failed (tolerated: 1)");
      assertThatThrownBy(task::checkpointIfPending).isInstanceOf(CheckpointException.class);
      assertThat(entries(dir)).containsExactly("_lock", "chk-1");
    }
  }

  @Test
  void checkpoint_slowDiskPastTimeout_abortsAndCleansUpWhileProcessingGoesOn() throws Exception {
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator =
            // 2 s: long enough for the healthy checkpoint at the end on a loaded machine
            CheckpointCoordinator.builder(dir).fileLayer(faulty).timeout(Duration.ofSeconds(2)).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 500, KEYS);
      faulty.holdWrites();
      CompletableFuture<CompletedCheckpoint> future = coordinator.triggerCheckpoint();
      long n = 500;
      while (!future.isDone()) { // the task thread is never blocked by the held writes
        task.checkpointIfPending();
        job.processRange(n, n + 1, KEYS);
        n++;
      }
      assertThatThrownBy(future::join).hasMessageContaining("timed out");
      faulty.release();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (entries(dir).contains("chk-1") && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(entries(dir)).containsExactly("_lock");
      assertThat(checkpoint(coordinator, List.of(task)).checkpointId()).isEqualTo(2);
    }
  }

  @Test
  void asynchronousPart_whileTaskThreadMutatesEveryState_writesStateOfSynchronousPoint() throws Exception {
    Map<Long, String> atSyncPoint;
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).fileLayer(faulty).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 5_000, KEYS);
      faulty.holdWrites();
      CompletableFuture<CompletedCheckpoint> future = coordinator.triggerCheckpoint();
      assertThat(task.checkpointIfPending()).isTrue();
      atSyncPoint = job.dump();
      job.processRange(5_000, 20_000, KEYS); // every kind of state changes, new keys appear
      assertThat(job.dump()).isNotEqualTo(atSyncPoint);
      faulty.release();
      future.join();
    }
    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      coordinator.register(job.backend, job.operatorState);
      coordinator.restoreLatest();
      job.open();
      assertThat(job.dump()).isEqualTo(atSyncPoint);
      assertThat(job.offset()).isEqualTo(5_000);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"_metadata", "task-0.keyed-state", "task-0.operator-state"})
  void restoreLatest_flippedByteOrTruncation_failsNamingFileAndCheckpoint(String file) throws Exception {
    writeTwoCheckpoints();
    Path damaged = dir.resolve("chk-2").resolve(file);
    byte[] good = Files.readAllBytes(damaged);
    for (int variant = 0; variant < 4; variant++) {
      byte[] bad = good.clone();
      switch (variant) {
        case 0 -> bad[good.length / 2] ^= 1;
        case 1 -> bad[0] ^= (byte) 0x80;
        case 2 -> bad[good.length - 1] ^= 4;
        default -> bad = Arrays.copyOf(good, good.length - 5);
      }
      Files.write(damaged, bad);
      try (TestJob job = new TestJob();
          CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
        coordinator.register(job.backend, job.operatorState);
        assertThatThrownBy(coordinator::restoreLatest)
            .isInstanceOf(CheckpointCorruptedException.class)
            .hasMessageContaining("checkpoint 2")
            .hasMessageContaining(damaged.toString());
      }
    }
  }

  @Test
  void restoreLatest_damagedLatestWithFallbackEnabled_restoresPreviousWithWarning() throws Exception {
    Map<Long, String> atFirst = writeTwoCheckpoints();
    Path damaged = dir.resolve("chk-2/task-0.keyed-state");
    byte[] bytes = Files.readAllBytes(damaged);
    bytes[bytes.length / 3] ^= 1;
    Files.write(damaged, bytes);
    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator =
            CheckpointCoordinator.builder(dir).fallBackToOlderCheckpointOnCorruption().build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThat(coordinator.restoreLatest()).hasValue(1);
      job.open();
      assertThat(job.dump()).isEqualTo(atFirst);
    }
  }

  @Test
  void restore_incompatibleSerializer_failsNamingTheState() throws Exception {
    writeTwoCheckpoints();
    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      coordinator.register(job.backend, job.operatorState);
      coordinator.restoreLatest();
      assertThatThrownBy(() -> job.backend.getState(StateDescriptors.value("count", Serializers.INT)))
          .isInstanceOf(IncompatibleSchemaException.class)
          .hasMessageContaining("'count'");
    }
  }

  /** Two checkpoints of different state; returns the state of the first. */
  private Map<Long, String> writeTwoCheckpoints() {
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      List<CheckpointParticipant> tasks = List.of(coordinator.register(job.backend, job.operatorState));
      job.processRange(0, 1_000, KEYS);
      Map<Long, String> first = job.dump();
      checkpoint(coordinator, tasks);
      job.processRange(1_000, 2_000, KEYS);
      checkpoint(coordinator, tasks);
      return first;
    }
  }
}
