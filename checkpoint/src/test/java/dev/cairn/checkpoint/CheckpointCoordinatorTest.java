package dev.cairn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.checkpoint.internal.CheckpointLayout;
import dev.cairn.state.StateException;
import dev.cairn.state.spi.KeyGroupRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCoordinatorTest {

  static final int KEYS = 500;

  @TempDir Path dir;

  /** Triggers a checkpoint and drives the participants' safe points until it completes. */
  /**
   * Triggers a checkpoint and drives the tasks until it completes, then waits for the retention that
   * follows it on the coordinator thread ({@code completedCheckpoints()} answers after it), so that
   * callers see the job directory as the next checkpoint will find it.
   */
  static CompletedCheckpoint checkpoint(CheckpointCoordinator coordinator, List<CheckpointParticipant> tasks) {
    CompletedCheckpoint done = drive(coordinator.triggerCheckpoint(), tasks);
    coordinator.completedCheckpoints();
    return done;
  }

  static CompletedCheckpoint drive(CompletableFuture<CompletedCheckpoint> future, List<CheckpointParticipant> tasks) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!future.isDone() && System.nanoTime() < deadline) {
      tasks.forEach(CheckpointParticipant::checkpointIfPending);
      Thread.onSpinWait();
    }
    return future.orTimeout(1, TimeUnit.SECONDS).join();
  }

  static List<String> entries(Path directory) throws Exception {
    try (Stream<Path> s = Files.list(directory)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void restoreLatest_afterCheckpoint_restoresKeyedAndOperatorStateExactly() {
    Map<Long, String> atCheckpoint;
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      coordinator.start();
      job.processRange(0, 3_000, KEYS);
      atCheckpoint = job.dump();
      assertThat(checkpoint(coordinator, List.of(task)).checkpointId()).isEqualTo(1);
      job.processRange(3_000, 4_000, KEYS); // after the checkpoint: lost by the "crash"
    }

    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThat(coordinator.restoreLatest()).hasValue(1);
      job.open();
      assertThat(job.offset()).isEqualTo(3_000);
      assertThat(job.dump()).isEqualTo(atCheckpoint).isEqualTo(TestJob.expected(3_000, KEYS));
    }
  }

  @Test
  void restoreLatest_emptyDirectory_returnsEmpty() {
    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThat(coordinator.restoreLatest()).isEmpty();
    }
  }

  @Test
  void checkpointIds_acrossRestarts_strictlyIncrease() {
    for (int run = 0; run < 3; run++) {
      try (TestJob job = new TestJob();
          CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
        CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
        OptionalLong restored = coordinator.restoreLatest();
        job.open();
        coordinator.start();
        long first = checkpoint(coordinator, List.of(task)).checkpointId();
        long second = checkpoint(coordinator, List.of(task)).checkpointId();
        assertThat(first).isEqualTo(run * 2L + 1).isGreaterThan(restored.orElse(0));
        assertThat(second).isEqualTo(first + 1);
      }
    }
  }

  @Test
  void retention_keepsNewestCheckpoints_deletesOlderAfterNewerCompletes() throws Exception {
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).retainedCheckpoints(2).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      coordinator.start();
      for (int i = 1; i <= 4; i++) {
        job.processRange(i * 100L, i * 100L + 100, KEYS);
        checkpoint(coordinator, List.of(task));
        assertThat(entries(dir)).as("after checkpoint %d", i)
            .containsAll(i >= 2 ? List.of("chk-" + (i - 1), "chk-" + i) : List.of("chk-1"))
            .doesNotContain(i >= 3 ? "chk-" + (i - 2) : "none");
      }
      assertThat(coordinator.completedCheckpoints()).extracting(CompletedCheckpoint::checkpointId).containsExactly(3L, 4L);
      assertThat(entries(dir.resolve("chk-4")))
          .containsExactlyInAnyOrder("_metadata", "task-0.keyed-state", "task-0.operator-state");
    }
  }

  @Test
  void build_secondCoordinatorOnSameDirectory_failsFast() {
    try (CheckpointCoordinator first = CheckpointCoordinator.builder(dir).build()) {
      assertThatThrownBy(() -> CheckpointCoordinator.builder(dir).build())
          .isInstanceOf(StateException.class)
          .hasMessageContaining("in use by another live coordinator");
    }
    CheckpointCoordinator.builder(dir).build().close(); // released on close
  }

  @Test
  void build_unfinishedCheckpointAndTemporaryFiles_areRemovedAtStart() throws Exception {
    Files.createDirectories(dir.resolve("chk-7"));
    Files.write(dir.resolve("chk-7/task-0.keyed-state"), new byte[10]);
    Files.write(dir.resolve(".tmp-123-_metadata"), new byte[10]);
    try (CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      assertThat(entries(dir)).containsExactly("_lock");
      try (TestJob job = new TestJob().open()) {
        CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
        assertThat(checkpoint(coordinator, List.of(task)).checkpointId()).as("ids continue after chk-7").isEqualTo(8);
      }
    }
  }

  @Test
  void listeners_hearCompletionsInOrderWithStatistics() {
    List<Long> completed = new CopyOnWriteArrayList<>();
    List<CheckpointStats> stats = new CopyOnWriteArrayList<>();
    CheckpointListener listener =
        new CheckpointListener() {
          @Override
          public void notifyCheckpointComplete(long id) {
            completed.add(id);
          }

          @Override
          public void onCheckpointStats(CheckpointStats s) {
            stats.add(s);
          }
        };
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).listener(listener).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      coordinator.start();
      job.processRange(0, 1_000, KEYS);
      for (int i = 0; i < 3; i++) {
        checkpoint(coordinator, List.of(task));
      }
    }
    assertThat(completed).containsExactly(1L, 2L, 3L);
    assertThat(stats).hasSize(3).allSatisfy(s -> {
      assertThat(s.status()).isEqualTo(CheckpointStats.Status.COMPLETED);
      assertThat(s.sizeBytes()).isPositive();
      assertThat(s.stateCount()).isEqualTo(5);
      assertThat(s.synchronousDuration()).isLessThanOrEqualTo(s.totalDuration());
      assertThat(s.failureCause()).isNull();
    });
  }

  @Test
  void periodicCheckpoints_whileProcessing_completeAndRestore() {
    Map<Long, String> atLatest = null;
    long latest = 0;
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator =
            CheckpointCoordinator.builder(dir).interval(Duration.ofMillis(5)).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      List<Long> completions = new ArrayList<>();
      coordinator.start();
      long n = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (coordinator.completedCheckpoints().size() < 2 || coordinator.completedCheckpoints().get(1).checkpointId() < 3) {
        assertThat(System.nanoTime()).as("periodic checkpoints complete").isLessThan(deadline);
        if (task.checkpointIfPending()) {
          completions.add(n);
        }
        job.processRange(n, n + 10, KEYS);
        n += 10;
      }
      assertThat(completions).isNotEmpty();
    }
    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      coordinator.register(job.backend, job.operatorState);
      latest = coordinator.restoreLatest().orElseThrow();
      job.open();
      atLatest = job.dump();
      assertThat(latest).isGreaterThanOrEqualTo(3);
      assertThat(atLatest).isEqualTo(TestJob.expected(job.offset(), KEYS));
    }
  }

  @Test
  void externalizedPolicy_deleteOnCancellation_removesCheckpoints() throws Exception {
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator =
            CheckpointCoordinator.builder(dir).externalizedPolicy(ExternalizedCheckpointPolicy.DELETE_ON_CANCELLATION).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      checkpoint(coordinator, List.of(task));
      assertThat(entries(dir)).contains("chk-1");
    }
    assertThat(entries(dir)).containsExactly("_lock");
  }

  @Test
  void builder_optionSetTwice_failsFast() {
    CheckpointCoordinator.Builder builder = CheckpointCoordinator.builder(dir).interval(Duration.ofSeconds(1));
    assertThatThrownBy(() -> builder.interval(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set to PT1S");
    assertThatThrownBy(() -> builder.timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void multipleParticipants_eachWithOwnRange_checkpointTogetherAndRestore() throws Exception {
    int parallelism = 3;
    Map<Long, String> atCheckpoint;
    try (CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).interval(Duration.ofMillis(2)).build()) {
      List<TestJob> jobs = new ArrayList<>();
      List<CheckpointParticipant> tasks = new ArrayList<>();
      for (int i = 0; i < parallelism; i++) {
        TestJob job = new TestJob(KeyGroupRange.forInstance(128, parallelism, i)).open();
        jobs.add(job);
        tasks.add(coordinator.register(job.backend, job.operatorState));
      }
      // every task thread processes the whole stream (keeping its own keys) and checkpoints between records
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < parallelism; i++) {
        TestJob job = jobs.get(i);
        CheckpointParticipant task = tasks.get(i);
        Thread t = new Thread(() -> {
          for (long n = 0; n < 20_000; n += 10) {
            task.checkpointIfPending();
            job.processRange(n, n + 10, KEYS);
          }
        });
        threads.add(t);
      }
      coordinator.start();
      for (Thread t : threads) {
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      CompletedCheckpoint last = checkpoint(coordinator, tasks);
      assertThat(last.checkpointId()).isGreaterThan(1);
      atCheckpoint = TestJob.merge(jobs);
      jobs.forEach(TestJob::close);
    }
    assertThat(atCheckpoint).isEqualTo(TestJob.expected(20_000, KEYS));

    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      coordinator.register(job.backend, job.operatorState);
      coordinator.restoreLatest();
      job.open();
      assertThat(job.dump()).isEqualTo(atCheckpoint);
    }
  }

  @Test
  void rescale_oneToFourToOne_keepsStateExact() throws Exception {
    Map<Long, String> original;
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("p1")).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 5_000, KEYS);
      original = job.dump();
      drive(coordinator.triggerSavepoint(dir.resolve("sp1")), List.of(task));
    }
    List<TestJob> four = new ArrayList<>();
    try (CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("p4")).build()) {
      List<CheckpointParticipant> tasks = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        TestJob job = new TestJob(KeyGroupRange.forInstance(128, 4, i));
        four.add(job);
        tasks.add(coordinator.register(job.backend, job.operatorState));
      }
      coordinator.restore(dir.resolve("sp1"));
      four.forEach(TestJob::open);
      assertThat(TestJob.merge(four)).isEqualTo(original);
      for (TestJob job : four) {
        assertThat(job.dump().keySet()).allMatch(k -> job.backend.keyGroupRange().contains(
            dev.cairn.state.spi.KeyGroups.assign(dev.cairn.state.serde.Serializers.LONG, k, 128)));
      }
      drive(coordinator.triggerSavepoint(dir.resolve("sp4")), tasks);
      four.forEach(TestJob::close);
    }
    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("p1-again")).build()) {
      coordinator.register(job.backend, job.operatorState);
      coordinator.restore(dir.resolve("sp4"));
      job.open();
      assertThat(job.dump()).isEqualTo(original);
    }
  }
}
