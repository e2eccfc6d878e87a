package dev.cairn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.internal.CheckpointMetadata;
import dev.cairn.checkpoint.storage.PowerLossFileLayer;
import dev.cairn.state.spi.KeyGroupRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/**
 * Cuts the power before every mutating file operation of a run of checkpoints (full or incremental,
 * with retention deleting), then reopens the job directory as stable storage holds it: every
 * checkpoint whose future had completed before the cut must still be there (unless enough newer
 * ones completed to expire it) and restore exactly, opening must remove every unreferenced leftover,
 * and the next checkpoint must leave exactly the retained checkpoints' files.
 */
class PowerLossTest {

  private static final int CHECKPOINTS = 4;
  private static final int RETAINED = 2;
  private static final int SLOTS = 4;

  @TempDir Path dir;

  /** What a run observed. */
  private record Run(int operations, boolean cut, Set<Long> completedBeforeCut) {}

  private static CheckpointCoordinator.Builder builder(Path job, boolean incremental) {
    CheckpointCoordinator.Builder b = CheckpointCoordinator.builder(job).retainedCheckpoints(RETAINED)
        .tolerableConsecutiveFailures(1_000);
    return incremental ? b.incrementalCheckpoints() : b;
  }

  /** A builder for checking the reopened directory: a fresh power-loss layer never cut (no real fsyncs). */
  private static CheckpointCoordinator.Builder reopen(Path job, boolean incremental) {
    try {
      return builder(job, incremental).fileLayer(new PowerLossFileLayer(job.getParent()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static IncrementalTestBackend backend(long seed, Map<Long, long[]> frozen) {
    return new IncrementalTestBackend(KeyGroupRange.all(128), SLOTS, seed, 0.25, frozen);
  }

  /** Runs CHECKPOINTS checkpoints in {@code root/job}, cutting the power before operation {@code cutAt}. */
  private static Run run(Path root, int cutAt, boolean incremental, long seed, Map<Long, long[]> frozen) throws Exception {
    Files.createDirectories(root);
    PowerLossFileLayer files = new PowerLossFileLayer(root);
    List<CompletableFuture<CompletedCheckpoint>> futures = Collections.synchronizedList(new ArrayList<>());
    Set<Long> completedBeforeCut = new TreeSet<>();
    files.onCut(() -> {
      synchronized (futures) {
        for (CompletableFuture<CompletedCheckpoint> f : futures) {
          if (f.isDone() && !f.isCompletedExceptionally()) {
            completedBeforeCut.add(f.join().checkpointId());
          }
        }
      }
    });
    files.cutBeforeOperation(cutAt);
    Random random = new Random(seed);
    IncrementalTestBackend backend = backend(seed, frozen);
    CheckpointCoordinator coordinator = null;
    try {
      coordinator = builder(root.resolve("job"), incremental).fileLayer(files).build();
      List<CheckpointParticipant> tasks = List.of(coordinator.register(backend, new OperatorStateStore()));
      coordinator.start();
      for (int i = 0; i < CHECKPOINTS && !files.isDead(); i++) {
        backend.mutate(random, 1 + random.nextInt(2));
        CompletableFuture<CompletedCheckpoint> future = coordinator.triggerCheckpoint();
        futures.add(future);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!future.isDone() && System.nanoTime() < deadline) {
          tasks.get(0).checkpointIfPending();
          Thread.onSpinWait();
        }
        assertThat(future).as("checkpoint %d, cut at %d, seed %d", i, cutAt, seed).isDone();
        if (future.isCompletedExceptionally() && !files.isDead()) { // a cut while retention deletes does not fail it
          throw new AssertionError("checkpoint " + i + ", cut at " + cutAt + ", seed " + seed + ": only the cut may fail a"
              + " checkpoint, dead=" + files.isDead() + ", operations=" + files.operations(),
              future.handle((r, e) -> e).join());
        }
        tasks.get(0).checkpointIfPending(); // completion notifications
        if (!files.isDead()) {
          // retention runs on the coordinator thread after the commit; waiting for it keeps the next
          // checkpoint's writes from interleaving with its deletions, so that every run of a seed makes
          // the same operations (the cut runs count on it)
          coordinator.completedCheckpoints();
        }
      }
    } catch (RuntimeException e) {
      if (!files.isDead()) {
        throw e;
      }
      // the cut hit opening the directory: fine
    } finally {
      if (coordinator != null) {
        coordinator.close();
      }
    }
    if (!files.wasCut()) {
      synchronized (futures) {
        futures.forEach(f -> completedBeforeCut.add(f.join().checkpointId()));
      }
      return new Run(files.operations(), false, completedBeforeCut);
    }
    files.powerLoss();
    return new Run(files.operations(), true, completedBeforeCut);
  }

  /** Restores checkpoint {@code id} of {@code job} without claiming it and checks its state. */
  private static void assertRestoresExactly(Path job, long id, boolean incremental, long seed, Map<Long, long[]> frozen,
      String context) {
    IncrementalTestBackend restored = backend(seed, new ConcurrentHashMap<>());
    try (CheckpointCoordinator coordinator = reopen(job, incremental).build()) {
      coordinator.register(restored, new OperatorStateStore());
      coordinator.restore(job.resolve("chk-" + id), RestoreMode.NO_CLAIM);
    }
    assertThat(restored.slots()).as("%s: state of checkpoint %d", context, id).isEqualTo(frozen.get(id));
  }

  /**
   * Cuts the power before operation k of a probe run's count, for every k that {@code sample} picks
   * (a seeded fraction; 1 for every k).
   */
  private void cutEverywhere(boolean incremental, long seed, double sample) throws Exception {
    Random sampling = new Random(seed);
    Run probe = run(dir.resolve("probe"), 0, incremental, seed, new ConcurrentHashMap<>());
    assertThat(probe.completedBeforeCut()).hasSize(CHECKPOINTS);
    int operations = probe.operations();
    assertThat(operations).isGreaterThan(CHECKPOINTS * 10);
    int cuts = 0;
    for (int k = 1; k <= operations; k++) {
      if (sampling.nextDouble() >= sample) {
        continue;
      }
      String context = "power cut before operation " + k + " of " + operations + " ("
          + (incremental ? "incremental" : "full") + ", seed " + seed + ")";
      Path root = dir.resolve("cut-" + k);
      Map<Long, long[]> frozen = new ConcurrentHashMap<>();
      Run run = run(root, k, incremental, seed, frozen);
      assertThat(run.cut()).as(context).isTrue(); // the same seed makes the same operations
      cuts++;
      Path job = root.resolve("job");
      if (!Files.isDirectory(job)) {
        assertThat(run.completedBeforeCut()).as(context).isEmpty();
        continue;
      }

      // 1. what stable storage holds: opening removes leftovers, keeps what completed
      TreeMap<Long, CheckpointMetadata> complete;
      try (CheckpointCoordinator coordinator = reopen(job, incremental).build()) {
        complete = new JobDirectory(job).assertClean(context + ", after reopening");
        assertThat(coordinator.completedCheckpoints()).extracting(CompletedCheckpoint::checkpointId)
            .as(context).containsExactlyElementsOf(complete.keySet());
      }
      List<Long> completed = new ArrayList<>(run.completedBeforeCut());
      for (int i = Math.max(0, completed.size() - RETAINED); i < completed.size(); i++) {
        long id = completed.get(i);
        long newer = complete.keySet().stream().filter(c -> c > id).count();
        assertThat(complete.containsKey(id) || newer >= RETAINED)
            .as("%s: checkpoint %d completed before the cut and is lost (on disk: %s)", context, id, complete.keySet())
            .isTrue();
      }

      // 2. every checkpoint on disk restores exactly (the latest in step 3)
      for (long id : complete.headMap(complete.isEmpty() ? 0 : complete.lastKey()).keySet()) {
        assertRestoresExactly(job, id, incremental, seed, frozen, context);
      }

      // 3. resume from the latest (claiming it), take one more checkpoint: exactly the retained files remain
      IncrementalTestBackend resumed = backend(seed + 1, frozen);
      try (CheckpointCoordinator coordinator = reopen(job, incremental).build()) {
        List<CheckpointParticipant> tasks = List.of(coordinator.register(resumed, new OperatorStateStore()));
        var restored = coordinator.restoreLatest(RestoreMode.CLAIM);
        assertThat(restored.isPresent()).as(context).isEqualTo(!complete.isEmpty());
        if (restored.isPresent()) {
          assertThat(restored.getAsLong()).as(context).isEqualTo(complete.lastKey());
          assertThat(resumed.slots()).as(context).isEqualTo(frozen.get(complete.lastKey()));
        }
        coordinator.start();
        resumed.mutate(new Random(seed), 1);
        long next = CheckpointCoordinatorTest.checkpoint(coordinator, tasks).checkpointId();
        tasks.get(0).checkpointIfPending();
        TreeMap<Long, CheckpointMetadata> after = new JobDirectory(job).assertClean(context + ", after the next checkpoint");
        assertThat(after.lastKey()).as(context).isEqualTo(next);
        assertThat(after).as(context).hasSizeLessThanOrEqualTo(RETAINED);
      }
      if (k % 10 == 0) { // the checkpoint taken after recovery restores too (now and then: it costs time)
        assertRestoresExactly(job, new JobDirectory(job).metadata().lastKey(), incremental, seed, frozen, context);
      }
      deleteRecursively(root);
    }
    System.out.printf("%s: %d power cuts of %d operations, seed %d%n", incremental ? "incremental" : "full", cuts,
        operations, seed);
  }

  @Test
  void powerLossBeforeEveryFileOperation_incremental_neverLosesACompletedCheckpointNorLeaksAFile() throws Exception {
    cutEverywhere(true, 0xC0FFEEL, 1.0);
  }

  @Test
  void powerLossBeforeEveryFileOperation_full_neverLosesACompletedCheckpointNorLeaksAFile() throws Exception {
    cutEverywhere(false, 0xF00DL, 1.0);
  }

  private static void deleteRecursively(Path path) throws Exception {
    try (var files = Files.walk(path)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
