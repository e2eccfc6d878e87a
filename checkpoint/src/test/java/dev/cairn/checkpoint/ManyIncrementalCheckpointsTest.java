package dev.cairn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.internal.CheckpointMetadata;
import dev.cairn.checkpoint.storage.PowerLossFileLayer;
import dev.cairn.state.spi.KeyGroupRange;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 incremental checkpoints retaining 3, each changing a few slots of the test backend: the
 * shared-state registry must neither leak a file nor lose one over a long run.
 */
class ManyIncrementalCheckpointsTest {

  private static final long SEED = 0x5EED_1000L;
  private static final int CHECKPOINTS = 1_000;
  private static final int RETAINED = 3;

  @TempDir Path dir;

  @Test
  void thousandIncrementalCheckpoints_keepExactlyTheRetainedCheckpointsFiles() throws Exception {
    Path job = dir.resolve("job");
    Random random = new Random(SEED);
    Map<Long, long[]> frozen = new ConcurrentHashMap<>();
    IncrementalTestBackend backend = new IncrementalTestBackend(KeyGroupRange.all(128), 8, SEED, 0.1, frozen);
    // the power-loss layer without cuts: every file operation of the run, no real fsync (fast)
    PowerLossFileLayer files = new PowerLossFileLayer(dir);
    try (CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job).fileLayer(files)
        .incrementalCheckpoints().retainedCheckpoints(RETAINED).build()) {
      List<CheckpointParticipant> tasks = List.of(coordinator.register(backend, new OperatorStateStore()));
      coordinator.start();
      for (int i = 1; i <= CHECKPOINTS; i++) {
        backend.mutate(random, 1 + random.nextInt(2));
        assertThat(CheckpointCoordinatorTest.checkpoint(coordinator, tasks).checkpointId()).isEqualTo(i);
      }
      tasks.get(0).checkpointIfPending(); // deliver the last notifications
      JobDirectory disk = new JobDirectory(job);
      TreeMap<Long, CheckpointMetadata> retained = disk.assertClean("after " + CHECKPOINTS + " checkpoints, seed " + SEED);
      assertThat(retained.keySet()).containsExactly(998L, 999L, 1000L);
      assertThat(disk.checkpointDirectories()).containsExactly(998L, 999L, 1000L);
      int shared = JobDirectory.referenced(retained.values()).size();
      assertThat(disk.sharedFiles()).hasSize(shared);
      assertThat(coordinator.sharedFileCount()).isEqualTo(shared);
      // the run really shared files across checkpoints: fewer files than 3 full snapshots would need
      assertThat(shared).isBetween(8, 3 * 8 - 1);
      assertThat(backend.sharedReferences.get()).isGreaterThan(backend.sharedWrites.get());
      System.out.printf("%d checkpoints: %d shared files retained, %d written, %d references%n",
          CHECKPOINTS, shared, backend.sharedWrites.get(), backend.sharedReferences.get());
    }
    // and the latest restores exactly
    IncrementalTestBackend restored = new IncrementalTestBackend(KeyGroupRange.all(128), 8, SEED, 0.1, frozen);
    try (CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job).incrementalCheckpoints().build()) {
      coordinator.register(restored, new OperatorStateStore());
      assertThat(coordinator.restoreLatest()).hasValue(CHECKPOINTS);
      assertThat(restored.slots()).isEqualTo(frozen.get((long) CHECKPOINTS)).isEqualTo(backend.slots());
    }
  }
}
