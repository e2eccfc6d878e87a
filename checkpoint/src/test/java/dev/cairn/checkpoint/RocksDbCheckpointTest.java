package dev.cairn.checkpoint;

import static dev.cairn.checkpoint.CheckpointCoordinatorTest.KEYS;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.drive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.storage.FaultInjectingFileLayer;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.spi.KeyGroupRange;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checkpoints of the RocksDB backend, and savepoints moving state between the two backends. */
class RocksDbCheckpointTest {

  @TempDir Path dir;

  private static Function<KeyGroupRange, KeyedStateBackend<Long>> backend(String name) {
    return name.equals("heap") ? TestJob.HEAP : TestJob.ROCKSDB;
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap-to-rocksdb", "rocksdb-to-heap", "rocksdb-to-rocksdb"})
  void savepoint_restoredIntoOtherBackend_givesIdenticalState(String direction) {
    String[] ends = direction.split("-to-");
    Map<Long, String> saved;
    try (TestJob job = new TestJob(backend(ends[0]), KeyGroupRange.all(128)).open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("a")).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 3_000, KEYS);
      saved = job.dump();
      drive(coordinator.triggerSavepoint(dir.resolve("sp")), List.of(task));
    }
    try (TestJob job = new TestJob(backend(ends[1]), KeyGroupRange.all(128));
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("b")).build()) {
      coordinator.register(job.backend, job.operatorState);
      coordinator.restore(dir.resolve("sp"));
      job.open();
      assertThat(job.dump()).isEqualTo(saved).isEqualTo(TestJob.expected(3_000, KEYS));
      assertThat(job.offset()).isEqualTo(3_000);
    }
  }

  @Test
  void asynchronousPart_whileTaskThreadMutatesRocksDb_writesStateOfSynchronousPoint() {
    FaultInjectingFileLayer faulty = new FaultInjectingFileLayer();
    Map<Long, String> atSyncPoint;
    try (TestJob job = new TestJob(TestJob.ROCKSDB, KeyGroupRange.all(128)).open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).fileLayer(faulty).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 5_000, KEYS);
      faulty.holdWrites();
      CompletableFuture<CompletedCheckpoint> future = coordinator.triggerCheckpoint();
      assertThat(task.checkpointIfPending()).isTrue();
      atSyncPoint = job.dump();
      job.processRange(5_000, 15_000, KEYS);
      assertThat(job.dump()).isNotEqualTo(atSyncPoint);
      faulty.release();
      future.join();
    }
    try (TestJob job = new TestJob(TestJob.ROCKSDB, KeyGroupRange.all(128));
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir).build()) {
      coordinator.register(job.backend, job.operatorState);
      coordinator.restoreLatest();
      job.open();
      assertThat(job.dump()).isEqualTo(atSyncPoint);
    }
  }

  @Test
  void rescale_rocksDbOneToFourToOne_keepsStateExact() {
    Map<Long, String> original;
    try (TestJob job = new TestJob(TestJob.ROCKSDB, KeyGroupRange.all(128)).open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("p1")).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 4_000, KEYS);
      original = job.dump();
      drive(coordinator.triggerSavepoint(dir.resolve("sp1")), List.of(task));
    }
    List<TestJob> four = new java.util.ArrayList<>();
    try (CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("p4")).build()) {
      List<CheckpointParticipant> tasks = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        TestJob job = new TestJob(TestJob.ROCKSDB, KeyGroupRange.forInstance(128, 4, i));
        four.add(job);
        tasks.add(coordinator.register(job.backend, job.operatorState));
      }
      coordinator.restore(dir.resolve("sp1"));
      four.forEach(TestJob::open);
      assertThat(TestJob.merge(four)).isEqualTo(original);
      drive(coordinator.triggerSavepoint(dir.resolve("sp4")), tasks);
      four.forEach(TestJob::close);
    }
    try (TestJob job = new TestJob(TestJob.ROCKSDB, KeyGroupRange.all(128));
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("p1b")).build()) {
      coordinator.register(job.backend, job.operatorState);
      coordinator.restore(dir.resolve("sp4"));
      job.open();
      assertThat(job.dump()).isEqualTo(original);
    }
  }
}
