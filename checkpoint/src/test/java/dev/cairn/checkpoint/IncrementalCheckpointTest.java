package dev.cairn.checkpoint;

import static dev.cairn.checkpoint.CheckpointCoordinatorTest.KEYS;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.checkpoint;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.drive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.internal.CheckpointMetadata;
import dev.cairn.checkpoint.internal.JobStore;
import dev.cairn.checkpoint.internal.StoredFile;
import dev.cairn.checkpoint.storage.FileLayer;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.KeyGroupRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Incremental checkpoints through the coordinator: RocksDB's native SST files and the heap backend's
 * base and deltas as shared files.
 */
class IncrementalCheckpointTest {

  @TempDir Path dir;

  private final List<CheckpointStats> stats = new CopyOnWriteArrayList<>();

  private CheckpointCoordinator.Builder incremental(Path jobDir) {
    return CheckpointCoordinator.builder(jobDir).incrementalCheckpoints().listener(new CheckpointListener() {
      @Override
      public void onCheckpointStats(CheckpointStats s) {
        stats.add(s);
      }
    });
  }

  private CheckpointStats statsOf(long id) {
    return stats.stream().filter(s -> s.checkpointId() == id).findFirst().orElseThrow();
  }

  /** Every file a retained checkpoint lists exists, and shared/ holds nothing else. */
  private static void assertSharedFilesExactlyReferenced(Path jobDir) throws Exception {
    Set<String> referenced = new HashSet<>();
    try (Stream<Path> entries = Files.list(jobDir)) {
      for (Path chk : entries.filter(p -> p.getFileName().toString().startsWith("chk-")).toList()) {
        CheckpointMetadata metadata = JobStore.readMetadata(LocalCheckpointStorage.at(FileLayer.local(), chk));
        for (StoredFile file : metadata.files()) {
          Path path = file.shared() ? jobDir.resolve(file.path()) : chk.resolve(file.path());
          assertThat(path).as("listed by %s", chk.getFileName()).exists();
          if (file.shared()) {
            referenced.add(path.getFileName().toString());
          }
        }
      }
    }
    assertThat(CheckpointCoordinatorTest.entries(jobDir.resolve("shared"))).containsExactlyInAnyOrderElementsOf(referenced);
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void incrementalCheckpoints_writeOnlyWhatChangedAndRestoreExactly(String backend) throws Exception {
    Path jobDir = dir.resolve("job");
    try (TestJob job = new TestJob(factory(backend), KeyGroupRange.all(128)).open();
        CheckpointCoordinator coordinator = incremental(jobDir).retainedCheckpoints(2).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 20_000, 5_000);
      checkpoint(coordinator, List.of(task));
      for (long from = 20_000; from < 20_250; from += 50) { // 50 records: 1% of the keys change
        job.processRange(from, from + 50, 5_000);
        checkpoint(coordinator, List.of(task));
        assertSharedFilesExactlyReferenced(jobDir);
      }
      List<Long> written = LongStream.rangeClosed(2, 6).map(id -> statsOf(id).incrementalSizeBytes())
          .sorted().boxed().toList();
      assertThat(written.get(4)).as("bytes written by the incremental checkpoints %s", written)
          .isLessThan(statsOf(1).incrementalSizeBytes() / 5);
      assertThat(CheckpointCoordinatorTest.entries(jobDir)).containsExactly("_lock", "chk-5", "chk-6", "shared");
    }
    try (TestJob job = new TestJob(factory(backend), KeyGroupRange.all(128));
        CheckpointCoordinator coordinator = incremental(jobDir).build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThat(coordinator.restoreLatest()).hasValue(6);
      job.open();
      assertThat(job.dump()).isEqualTo(expected(20_250, 5_000));
      assertThat(job.offset()).isEqualTo(20_250);
    }
  }

  /**
   * RocksDB here compacts a state's level 0 at 8 files instead of 4: the test's six checkpoints then
   * store no compaction output, whose timing (and, with several states, how many checkpoints carry
   * one) depends on the machine's load. What a compaction adds is measured by the benchmark and
   * covered by the thousand-checkpoint test.
   */
  private static Function<KeyGroupRange, KeyedStateBackend<Long>> factory(String backend) {
    return backend.equals("heap") ? TestJob.HEAP
        : range -> RocksDbStateBackend.builder(Serializers.LONG).keyGroupRange(range)
            .options((db, columns) -> columns.setLevel0FileNumCompactionTrigger(8)).build();
  }

  private static Map<Long, String> expected(long records, int keys) {
    return TestJob.expected(records, keys);
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void restore_claimReferencesRestoredFiles_noClaimStoresAnewAndNeverDeletesThem(String backend) throws Exception {
    Path jobDir = dir.resolve("job");
    try (TestJob job = new TestJob(factory(backend), KeyGroupRange.all(128)).open();
        CheckpointCoordinator coordinator = incremental(jobDir).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 20_000, 5_000);
      checkpoint(coordinator, List.of(task));
    }
    long full = statsOf(1).incrementalSizeBytes();
    for (RestoreMode mode : RestoreMode.values()) {
      stats.clear();
      try (TestJob job = new TestJob(factory(backend), KeyGroupRange.all(128));
          CheckpointCoordinator coordinator = incremental(jobDir).retainedCheckpoints(1).build()) {
        CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
        long restored = coordinator.restoreLatest(mode).orElseThrow();
        job.open();
        job.processRange(20_000, 20_050, 5_000);
        long next = checkpoint(coordinator, List.of(task)).checkpointId();
        long written = statsOf(next).incrementalSizeBytes();
        if (mode == RestoreMode.CLAIM) {
          assertThat(written).as("claim: restored files are referenced").isLessThan(full / 5);
          assertThat(jobDir.resolve("chk-" + restored)).as("claimed, then expired").doesNotExist();
        } else {
          assertThat(written).as("no claim: everything stored anew").isGreaterThan(full / 2);
          checkpoint(coordinator, List.of(task));
          assertThat(jobDir.resolve("chk-" + restored + "/_metadata")).as("not claimed: never deleted").exists();
        }
      }
      assertSharedFilesExactlyReferenced(jobDir);
    }
  }

  @Test
  void rocksDb_rescaleOneToFourToOne_fromNativeCheckpoints_keepsStateExact() {
    Path jobDir = dir.resolve("job");
    try (TestJob job = new TestJob(TestJob.ROCKSDB, KeyGroupRange.all(128)).open();
        CheckpointCoordinator coordinator = incremental(jobDir).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 3_000, KEYS);
      checkpoint(coordinator, List.of(task));
    }
    List<TestJob> four = new ArrayList<>();
    try (CheckpointCoordinator coordinator = incremental(jobDir).build()) {
      List<CheckpointParticipant> tasks = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        TestJob part = new TestJob(TestJob.ROCKSDB, KeyGroupRange.forInstance(128, 4, i));
        four.add(part);
        tasks.add(coordinator.register(part.backend, part.operatorState));
      }
      coordinator.restoreLatest();
      four.forEach(TestJob::open);
      assertThat(TestJob.merge(four)).isEqualTo(TestJob.expected(3_000, KEYS));
      for (TestJob part : four) {
        part.processRange(3_000, 4_000, KEYS);
      }
      checkpoint(coordinator, tasks);
    } finally {
      four.forEach(TestJob::close);
    }
    try (TestJob one = new TestJob(TestJob.ROCKSDB, KeyGroupRange.all(128));
        CheckpointCoordinator coordinator = incremental(jobDir).build()) {
      coordinator.register(one.backend, one.operatorState);
      coordinator.restoreLatest();
      one.open();
      assertThat(one.dump()).isEqualTo(TestJob.expected(4_000, KEYS));
    }
  }

  @Test
  void savepointOfAnIncrementalJob_isCanonicalAndRestoresIntoHeap() {
    Map<Long, String> saved;
    try (TestJob job = new TestJob(TestJob.ROCKSDB, KeyGroupRange.all(128)).open();
        CheckpointCoordinator coordinator = incremental(dir.resolve("job")).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 2_000, KEYS);
      checkpoint(coordinator, List.of(task));
      saved = job.dump();
      drive(coordinator.triggerSavepoint(dir.resolve("sp")), List.of(task));
    }
    assertThat(dir.resolve("job/shared")).isNotEmptyDirectory();
    try (TestJob job = new TestJob(TestJob.HEAP, KeyGroupRange.all(128));
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("other")).build()) {
      coordinator.register(job.backend, job.operatorState);
      coordinator.restore(dir.resolve("sp"));
      job.open();
      assertThat(job.dump()).isEqualTo(saved);
    }
  }
}
