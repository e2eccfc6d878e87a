package dev.cairn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.internal.CheckpointLayout;
import dev.cairn.checkpoint.internal.CheckpointMetadata;
import dev.cairn.checkpoint.internal.StoredFile;
import dev.cairn.checkpoint.storage.PowerLossFileLayer;
import dev.cairn.state.spi.KeyGroupRange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A model-based test of the shared-state registry: seeded random sequences of triggers, completions
 * (driving the task threads' safe points), aborts (an injected I/O failure), subsumptions (two
 * pending checkpoints, the newer driven first), process crashes and power losses at random steps
 * (every file operation fails from then on; a power loss also reverts what was not durable),
 * restarts restoring in CLAIM or NO_CLAIM mode, with retention 1 to 3 and up to 1 or 2 concurrent
 * checkpoints, two participants of the {@link IncrementalTestBackend}. After every step:
 *
 * <ul>
 *   <li>every file a checkpoint's {@code _metadata} lists exists with its size, while the metadata
 *       does (retention removes the metadata first, so a missing file with metadata still present is
 *       a lost file);
 *   <li>the newest completed checkpoints are retained, and the coordinator owns at most the retained
 *       number;
 *   <li>once no checkpoint is pending: {@code shared/} holds exactly what the retained checkpoints
 *       list, every {@code chk-*} has metadata, no temporary file is left (with checkpoints pending,
 *       only their own files may be extra);
 *   <li>a restart restores the newest complete checkpoint (never older than the newest completed
 *       one), exactly, and its first checkpoint leaves nothing unreferenced.
 * </ul>
 */
class SharedStateRegistryModelTest {

  private static final int STEPS = 60;
  private static final int SLOTS = 4;
  private static final KeyGroupRange[] RANGES = {new KeyGroupRange(0, 63), new KeyGroupRange(64, 127)};
  private static final Pattern OWN_FILE = Pattern.compile("(?:\\.tmp-[0-9a-f-]{36}-)?c([0-9]+)-.*");

  @TempDir Path dir;

  /** One seed's run. */
  private final class Model {
    final long seed;
    final int retained;
    final int maxConcurrent;
    final Random random;
    final Path job;
    final List<Map<Long, long[]>> frozen = List.of(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    final List<String> history = new ArrayList<>();
    PowerLossFileLayer files;
    CheckpointCoordinator coordinator;
    List<IncrementalTestBackend> backends;
    List<CheckpointParticipant> tasks;
    /** Checkpoints triggered and not yet done, by id. */
    final TreeMap<Long, CompletableFuture<CompletedCheckpoint>> pending = new TreeMap<>();
    /** Ids whose futures completed, this run and before (never to be lost). */
    final TreeSet<Long> completed = new TreeSet<>();
    /** The checkpoint this run restored without claiming it, or -1. */
    long unclaimed = -1;
    int restarts;
    int crashes;
    int powerLosses;
    int aborts;
    int completions;

    Model(long seed) {
      this.seed = seed;
      this.retained = 1 + (int) (seed % 3);
      this.maxConcurrent = 1 + (int) (seed / 3 % 2);
      this.random = new Random(seed);
      this.job = dir.resolve("seed-" + seed).resolve("job");
    }

    String context() {
      return "seed " + seed + " (retained " + retained + ", max concurrent " + maxConcurrent + "), after "
          + history.subList(Math.max(0, history.size() - 8), history.size());
    }

    CheckpointCoordinator.Builder builder() {
      return CheckpointCoordinator.builder(job).fileLayer(files).incrementalCheckpoints()
          .retainedCheckpoints(retained).maxConcurrentCheckpoints(maxConcurrent).tolerableConsecutiveFailures(1_000);
    }

    void open(boolean first) throws IOException {
      Files.createDirectories(job.getParent());
      files = new PowerLossFileLayer(job.getParent());
      coordinator = builder().build();
      backends = new ArrayList<>();
      tasks = new ArrayList<>();
      for (int i = 0; i < RANGES.length; i++) {
        IncrementalTestBackend b =
            new IncrementalTestBackend(RANGES[i], SLOTS, seed * 31 + restarts * 7L + i, 0.2, frozen.get(i));
        backends.add(b);
        tasks.add(coordinator.register(b, new OperatorStateStore()));
      }
      TreeMap<Long, CheckpointMetadata> onDisk = new JobDirectory(job).metadata();
      RestoreMode mode = random.nextBoolean() ? RestoreMode.CLAIM : RestoreMode.NO_CLAIM;
      OptionalLong restored = coordinator.restoreLatest(mode);
      history.add("open(" + mode + ") -> " + restored);
      unclaimed = -1;
      if (first || onDisk.isEmpty()) {
        assertThat(restored).isEmpty();
        assertThat(completed).as("%s: completed checkpoints lost", context()).isEmpty();
      } else {
        assertThat(restored).as("%s: a checkpoint to restore", context()).isPresent();
        long id = restored.getAsLong();
        assertThat(id).as("%s: restores the newest complete checkpoint", context()).isEqualTo(onDisk.lastKey());
        assertThat(id).as("%s: never older than the newest completed (%s)", context(), completed)
            .isGreaterThanOrEqualTo(completed.isEmpty() ? 0 : completed.last());
        for (int i = 0; i < backends.size(); i++) {
          assertThat(backends.get(i).slots()).as("%s: participant %d restored checkpoint %d exactly", context(), i, id)
              .isEqualTo(frozen.get(i).get(id));
        }
        if (mode == RestoreMode.NO_CLAIM) {
          unclaimed = id;
        }
      }
      coordinator.start();
    }

    CompletableFuture<CompletedCheckpoint> trigger() {
      for (IncrementalTestBackend b : backends) {
        b.mutate(random, random.nextInt(3));
      }
      long before = backends.get(0).lastSnapshotId;
      CompletableFuture<CompletedCheckpoint> f = coordinator.triggerCheckpoint();
      tasks.forEach(CheckpointParticipant::checkpointIfPending); // the synchronous parts, at once
      long id = backends.get(0).lastSnapshotId;
      assertThat(id).as("%s: the synchronous part was taken", context()).isGreaterThan(before);
      pending.put(id, f);
      return f;
    }

    /** Drives the safe points until {@code f} is done; records every future that finished. */
    void drive(CompletableFuture<CompletedCheckpoint> f) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!f.isDone()) {
        assertThat(System.nanoTime()).as("%s: checkpoint stuck", context()).isLessThan(deadline);
        tasks.forEach(CheckpointParticipant::checkpointIfPending);
        Thread.yield();
      }
      collect();
      tasks.forEach(CheckpointParticipant::checkpointIfPending); // notifications
    }

    /** Moves finished futures out of {@code pending}. */
    void collect() {
      pending.entrySet().removeIf(e -> {
        CompletableFuture<CompletedCheckpoint> f = e.getValue();
        if (!f.isDone()) {
          return false;
        }
        if (f.isCompletedExceptionally()) {
          aborts++;
        } else {
          completed.add(f.join().checkpointId());
          completions++;
        }
        return true;
      });
    }

    void step(int n) throws Exception {
      int choice = random.nextInt(100);
      if (choice < 35 && pending.size() < maxConcurrent) {
        trigger();
        history.add(n + ":trigger");
      } else if (choice < 65 && !pending.isEmpty()) {
        // drive the newest (with two pending, the older may be subsumed) or the oldest
        var target = random.nextBoolean() ? pending.lastEntry() : pending.firstEntry();
        drive(target.getValue());
        history.add(n + ":drive(" + target.getKey() + ")");
      } else if (choice < 75 && pending.size() < maxConcurrent) {
        int k = 1 + random.nextInt(12);
        files.failOperation(k);
        CompletableFuture<CompletedCheckpoint> f = trigger();
        drive(f);
        files.failOperation(0);
        history.add(n + ":fail(" + k + ")");
      } else if (choice < 80) {
        restart(false, false, n);
      } else if (choice < 86) {
        // a crash or power loss: now, or before a random file operation of the next checkpoint
        boolean powerLoss = random.nextBoolean();
        if (random.nextBoolean() && pending.size() < maxConcurrent) {
          int k = 1 + random.nextInt(40);
          files.cutBeforeOperation(k);
          CompletableFuture<CompletedCheckpoint> f = trigger();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (!f.isDone() && !files.isDead() && System.nanoTime() < deadline) {
            tasks.forEach(CheckpointParticipant::checkpointIfPending);
            Thread.yield();
          }
          collect();
          history.add(n + ":cut-before(" + k + ")");
        }
        restart(true, powerLoss, n);
      } else {
        for (IncrementalTestBackend b : backends) {
          b.mutate(random, 1);
        }
        tasks.forEach(CheckpointParticipant::checkpointIfPending);
        history.add(n + ":mutate");
      }
      check();
    }

    void restart(boolean crash, boolean powerLoss, int n) throws Exception {
      if (crash) {
        files.crash(); // every file operation fails from here on: nothing more is written or cleaned
        crashes++;
      }
      collect(); // what completed before the crash
      coordinator.close();
      pending.values().forEach(f -> assertThat(f).isDone());
      collect();
      if (crash && powerLoss) {
        files.powerLoss();
        powerLosses++;
      }
      restarts++;
      history.add(n + ":" + (crash ? powerLoss ? "power-loss" : "crash" : "close"));
      open(false);
      // the first checkpoint after a restart leaves nothing unreferenced at all
      CompletableFuture<CompletedCheckpoint> f = trigger();
      drive(f);
      assertThat(f.isCompletedExceptionally()).as("%s: the first checkpoint after a restart", context()).isFalse();
      awaitClean();
    }

    /** The invariants that hold at every instant. */
    void check() {
      collect();
      JobDirectory disk = new JobDirectory(job);
      TreeMap<Long, CheckpointMetadata> all = disk.metadata();
      for (CheckpointMetadata m : all.values()) {
        Path directory = job.resolve(CheckpointLayout.checkpointDirectory(m.checkpointId()));
        for (StoredFile file : m.files()) {
          Path path = file.shared() ? job.resolve(file.path()) : directory.resolve(file.path());
          if (!Files.isRegularFile(path) || size(path) != file.size()) {
            // retention deletes _metadata first: a file may go only after its checkpoint's metadata
            assertThat(directory.resolve(CheckpointLayout.METADATA))
                .as("%s: %s of checkpoint %d is missing or changed while its metadata exists", context(), file.path(),
                    m.checkpointId())
                .doesNotExist();
          }
        }
      }
      List<Long> retainedIds = coordinator.completedCheckpoints().stream().map(CompletedCheckpoint::checkpointId).toList();
      long owned = retainedIds.stream().filter(id -> id != unclaimed).count();
      // a pending checkpoint may be between its commit and its retention step
      assertThat(owned).as("%s: owned retained checkpoints %s, pending %s", context(), retainedIds, pending.keySet())
          .isLessThanOrEqualTo(retained + pending.size());
      List<Long> done = new ArrayList<>(completed);
      for (int i = Math.max(0, done.size() - retained); i < done.size(); i++) {
        long id = done.get(i);
        long newer = retainedIds.stream().filter(c -> c > id).count();
        assertThat(retainedIds.contains(id) || newer >= retained)
            .as("%s: completed checkpoint %d dropped (retained %s)", context(), id, retainedIds).isTrue();
      }
      if (pending.isEmpty()) {
        awaitClean();
      } else {
        awaitOnlyPendingExtras();
      }
    }

    /** No checkpoint pending: exactly the retained checkpoints' files (deletes of aborted ones may lag a little). */
    void awaitClean() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        try {
          TreeMap<Long, CheckpointMetadata> all = new JobDirectory(job).assertClean(context());
          List<Long> retainedIds =
              coordinator.completedCheckpoints().stream().map(CompletedCheckpoint::checkpointId).toList();
          assertThat(all.keySet()).as("%s: on disk vs the coordinator's retained checkpoints", context())
              .containsExactlyElementsOf(retainedIds);
          assertThat(coordinator.sharedFileCount()).as(context()).isEqualTo(JobDirectory.referenced(all.values()).size());
          return;
        } catch (AssertionError | UncheckedIOException e) { // a listing racing a lagging delete, too
          if (System.nanoTime() > deadline) {
            throw e;
          }
          sleep();
        }
      }
    }

    /** With checkpoints pending, the only extra files in shared/ and extra chk-* are theirs. */
    void awaitOnlyPendingExtras() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        collect();
        if (pending.isEmpty()) {
          awaitClean();
          return;
        }
        try {
          JobDirectory disk = new JobDirectory(job);
          Set<Long> pendingIds = pending.keySet();
          TreeMap<Long, CheckpointMetadata> all = disk.metadata();
          Set<String> referenced = JobDirectory.referenced(all.values());
          for (String shared : disk.sharedFiles()) {
            if (referenced.contains(shared)) {
              continue;
            }
            Matcher m = OWN_FILE.matcher(shared.substring(CheckpointLayout.SHARED_DIRECTORY.length() + 1));
            assertThat(m.matches() && pendingIds.contains(Long.parseLong(m.group(1))))
                .as("%s: %s is unreferenced and not a pending checkpoint's (pending %s)", context(), shared, pendingIds)
                .isTrue();
          }
          for (long id : disk.checkpointDirectories()) {
            assertThat(all.containsKey(id) || pendingIds.contains(id))
                .as("%s: chk-%d has no metadata and is not pending", context(), id).isTrue();
          }
          return;
        } catch (AssertionError | UncheckedIOException e) { // a listing racing a lagging delete, too
          if (System.nanoTime() > deadline) {
            throw e;
          }
          sleep();
        }
      }
    }
  }

  private static long size(Path path) {
    try {
      return Files.size(path);
    } catch (IOException e) {
      return -1;
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
  void randomSequences_keepExactlyTheRetainedCheckpointsFiles(long seed) throws Exception {
    Model model = new Model(seed);
    try {
      model.open(true);
      for (int n = 0; n < STEPS; n++) {
        model.step(n);
      }
      for (var f : List.copyOf(model.pending.values())) {
        model.drive(f);
      }
      model.check();
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + ": " + e.getMessage() + "\nhistory: " + model.history, e);
    } finally {
      if (model.coordinator != null) {
        model.coordinator.close();
      }
    }
    System.out.printf("seed %d (retained %d, max concurrent %d): %d completed, %d aborted, %d restarts, %d crashes,"
            + " %d power losses%n", seed, model.retained, model.maxConcurrent, model.completions, model.aborts,
        model.restarts, model.crashes, model.powerLosses);
    assertThat(model.completions).as("seed %d exercised completions", seed).isGreaterThan(5);
  }
}
