package dev.cairn.checkpoint;

import static dev.cairn.checkpoint.CheckpointCoordinatorTest.checkpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.cairn.checkpoint.storage.FaultInjectingFileLayer;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.StateException;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.KeyGroupRange;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the coordinator does when it is used the wrong way: every misuse is refused clearly. */
class CoordinatorMisuseTest {

  static final int KEYS = 100;

  @TempDir Path dir;

  private static TestJob job(String backend) {
    return new TestJob("rocksdb".equals(backend) ? TestJob.ROCKSDB : TestJob.HEAP, KeyGroupRange.all(128));
  }

  /** Writes one checkpoint of 1,000 records into {@code dir} and returns its state. */
  private Map<Long, String> checkpointed(String backend) {
    try (TestJob job = job(backend).open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 1_000, KEYS);
      checkpoint(coordinator, List.of(task));
      return job.dump();
    }
  }

  // ---------------------------------------------------------------- restore: once, before getState

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void restoreLatest_twice_isRefusedAndStateRestoredOnce(String backend) {
    Map<Long, String> expected = checkpointed(backend);
    try (TestJob job = job(backend);
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThat(coordinator.restoreLatest()).hasValue(1);

      assertThatThrownBy(coordinator::restoreLatest)
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("checkpoint 1 was restored already")
          .hasMessageContaining("at most once");
      assertThatThrownBy(() -> coordinator.restore(dir.resolve("chk-1")))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("restored already");

      job.open();
      assertThat(job.dump()).isEqualTo(expected);
    }
  }

  @Test
  void restoreLatest_nothingToRestore_thenRestoreOfSavepoint_isAllowed() {
    Map<Long, String> expected;
    try (TestJob job = job("heap").open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("old")).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 500, KEYS);
      CheckpointCoordinatorTest.drive(coordinator.triggerSavepoint(dir.resolve("sp")), List.of(task));
      expected = job.dump();
    }
    try (TestJob job = job("heap");
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("new")).build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThat(coordinator.restoreLatest()).isEmpty();

      coordinator.restore(dir.resolve("sp"));

      job.open();
      assertThat(job.dump()).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void restoreLatest_afterGetState_isRefusedWithTheOrder(String backend) {
    checkpointed(backend);
    try (TestJob job = job(backend);
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      coordinator.register(job.backend, job.operatorState);
      job.backend.getState(StateDescriptors.value("count", Serializers.LONG, 0L));

      assertThatThrownBy(coordinator::restoreLatest)
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("participant 0")
          .hasMessageContaining("register(), then restoreLatest() or restore() once, then getState()");
    }
  }

  @Test
  void restoreLatest_afterGetListState_isRefusedWithTheOrder_andNothingRestored() {
    Map<Long, String> expected = checkpointed("heap");
    try (TestJob job = job("heap");
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      coordinator.register(job.backend, job.operatorState);
      job.operatorState.getListState("offset", Serializers.LONG);

      assertThatThrownBy(coordinator::restoreLatest)
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("operator state of participant 0")
          .hasMessageContaining("then getState()");
    }
    try (TestJob job = job("heap");
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      coordinator.register(job.backend, job.operatorState);
      coordinator.restoreLatest();
      job.open();
      assertThat(job.dump()).isEqualTo(expected);
    }
  }

  // ---------------------------------------------------------------- every error is a StateException

  @Test
  void lifecycleMisuse_throwsCheckpointException() {
    try (TestJob job = job("heap").open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      assertThatThrownBy(coordinator::restoreLatest).isInstanceOf(CheckpointException.class)
          .hasMessageContaining("register");
      assertThatThrownBy(coordinator::start).isInstanceOf(CheckpointException.class);
      coordinator.register(job.backend, job.operatorState);
      coordinator.start();
      assertThatThrownBy(coordinator::restoreLatest).isInstanceOf(CheckpointException.class)
          .hasMessageContaining("start()");
      assertThatThrownBy(() -> coordinator.register(job.backend, new OperatorStateStore()))
          .isInstanceOf(CheckpointException.class);
      coordinator.close();
      assertThatThrownBy(() -> coordinator.register(job.backend, job.operatorState))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("closed");
    }
  }

  @Test
  void build_onAFile_throwsCheckpointException() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");

    assertThatThrownBy(() -> CheckpointCoordinator.builder(file).build())
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void triggerSavepoint_intoAFile_failsWithCheckpointException() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    try (TestJob job = job("heap").open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job")).build()) {
      coordinator.register(job.backend, job.operatorState);

      assertThatThrownBy(() -> coordinator.triggerSavepoint(file).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining(file.toString());
    }
  }

  // ---------------------------------------------------------------- restoring what is not a checkpoint

  @Test
  void restore_ofJobDirectory_saysItIsNotACheckpointAndNamesOne() {
    checkpointed("heap");
    try (TestJob job = job("heap");
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("other")).build()) {
      coordinator.register(job.backend, job.operatorState);

      assertThatThrownBy(() -> coordinator.restore(dir))
          .isInstanceOf(CheckpointException.class)
          .isNotInstanceOf(CheckpointCorruptedException.class)
          .hasMessageContaining(dir + " is not a checkpoint")
          .hasMessageContaining("job directory")
          .hasMessageContaining(dir.resolve("chk-1").toString());
    }
  }

  @Test
  void restore_ofDirectoryWithoutMetadata_saysItIsNotACheckpoint() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    try (TestJob job = job("heap");
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job")).build()) {
      coordinator.register(job.backend, job.operatorState);

      assertThatThrownBy(() -> coordinator.restore(empty))
          .isInstanceOf(CheckpointException.class)
          .isNotInstanceOf(CheckpointCorruptedException.class)
          .hasMessageContaining(empty + " is not a checkpoint or savepoint")
          .hasMessageNotContaining("damaged");
      assertThatThrownBy(() -> coordinator.restore(dir.resolve("missing")))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("does not exist");
    }
  }

  // ---------------------------------------------------------------- a read-only job directory

  @Test
  void build_readOnlyJobDirectory_saysSoNotInUse() {
    checkpointed("heap");
    FaultInjectingFileLayer files = new FaultInjectingFileLayer();
    files.readOnly(true);

    assertThatThrownBy(() -> CheckpointCoordinator.builder(dir).fileLayer(files).build())
        .isInstanceOf(CheckpointException.class)
        .hasMessageNotContaining("in use")
        .hasMessageContaining("not writable");
  }

  @Test
  void build_readOnlyJobDirectoryOnDisk_saysSoNotInUse() throws Exception {
    checkpointed("heap");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assumeThat(Files.isWritable(dir)).as("permissions apply (not root)").isFalse();
      assertThatThrownBy(() -> CheckpointCoordinator.builder(dir).build())
          .isInstanceOf(CheckpointException.class)
          .hasMessageNotContaining("in use")
          .hasMessageContaining("not writable");
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  // ---------------------------------------------------------------- cancellation by close()

  @Test
  void close_withPendingCheckpoint_reportsItCancelled() {
    List<CheckpointStats> stats = new CopyOnWriteArrayList<>();
    CompletableFuture<CompletedCheckpoint> future;
    try (TestJob job = job("heap").open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).listener(new CheckpointListener() {
          @Override
          public void onCheckpointStats(CheckpointStats s) {
            stats.add(s);
          }
        }).build()) {
      coordinator.register(job.backend, job.operatorState);
      future = coordinator.triggerCheckpoint(); // the task never reaches a safe point
    }

    assertThat(stats).singleElement().satisfies(s -> {
      assertThat(s.status()).isEqualTo(CheckpointStats.Status.CANCELLED);
      assertThat(s.failureCause()).hasMessageContaining("cancelled");
    });
    assertThat(future).isCompletedExceptionally();
  }

  // ---------------------------------------------------------------- checkpoints on the task thread

  @Test
  void checkpointNow_onTheTaskThread_completesWithoutAnotherSafePoint() throws Exception {
    try (TestJob job = job("heap").open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      coordinator.start();
      job.processRange(0, 100, KEYS);

      CompletedCheckpoint done = task.checkpointNow().get(30, TimeUnit.SECONDS);

      assertThat(done.checkpointId()).isEqualTo(1);
      assertThat(coordinator.completedCheckpoints()).hasSize(1);
    }
  }

  @Test
  void participantNotAtSafePoint_isNamedInAWarning() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (TestJob first = new TestJob(new KeyGroupRange(0, 63)).open();
        TestJob second = new TestJob(new KeyGroupRange(64, 127));
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir)
            .safePointWarning(Duration.ofMillis(100))
            .timeout(Duration.ofSeconds(2))
            .build()) {
      CheckpointParticipant task = coordinator.register(first.backend, first.operatorState);
      coordinator.register(second.backend, second.operatorState);
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      CompletableFuture<CompletedCheckpoint> future = task.checkpointNow(); // participant 1 never gets there

      assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("timed out")
          .hasMessageContaining("participant 1 has not reached a safe point");
    } finally {
      System.setErr(err);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("WARN").contains("participant 1").contains("checkpointIfPending()")
        .doesNotContain("participant 0 has not");
  }
}
