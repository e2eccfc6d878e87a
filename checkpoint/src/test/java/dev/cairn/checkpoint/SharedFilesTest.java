package dev.cairn.checkpoint;

import static dev.cairn.checkpoint.CheckpointCoordinatorTest.checkpoint;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.drive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.internal.CheckpointMetadata;
import dev.cairn.checkpoint.internal.StoredFile;
import dev.cairn.checkpoint.storage.PowerLossFileLayer;
import dev.cairn.state.spi.KeyGroupRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Focused cases of incremental checkpoints' shared files, each deterministic. */
class SharedFilesTest {

  private static final int SLOTS = 4;

  @TempDir Path dir;

  private final Map<Long, long[]> frozen = new ConcurrentHashMap<>();

  private IncrementalTestBackend backend(double rewriteUnchanged) {
    return new IncrementalTestBackend(KeyGroupRange.all(128), SLOTS, 7, rewriteUnchanged, frozen);
  }

  private CheckpointCoordinator.Builder builder(int retained, int maxConcurrent) {
    return CheckpointCoordinator.builder(dir).incrementalCheckpoints().retainedCheckpoints(retained)
        .maxConcurrentCheckpoints(maxConcurrent);
  }

  /** Fails before the fix of CheckpointFiles: a shared file's record was built as a private one. */
  @Test
  void incrementalCheckpoints_writeSharedFilesOnceAndReferenceThemAfterwards() {
    IncrementalTestBackend backend = backend(0);
    try (CheckpointCoordinator coordinator = builder(2, 1).build()) {
      List<CheckpointParticipant> tasks = List.of(coordinator.register(backend, new OperatorStateStore()));
      backend.mutate(new Random(1), 3);
      checkpoint(coordinator, tasks);
      tasks.get(0).checkpointIfPending(); // completion notification: the handles may be referenced now
      checkpoint(coordinator, tasks); // nothing changed: every slot referenced
      TreeMap<Long, CheckpointMetadata> stored = new JobDirectory(dir).assertClean("two checkpoints");
      List<StoredFile> first = shared(stored.get(1L));
      assertThat(first).hasSize(SLOTS).allSatisfy(f -> assertThat(f.path()).startsWith("shared/c1-"));
      assertThat(shared(stored.get(2L))).containsExactlyInAnyOrderElementsOf(first);
      assertThat(new JobDirectory(dir).sharedFiles()).hasSize(SLOTS);
      assertThat(coordinator.sharedFileCount()).isEqualTo(SLOTS);
      assertThat(backend.sharedWrites.get()).isEqualTo(SLOTS);
      assertThat(backend.sharedReferences.get()).isEqualTo(SLOTS);
    }
    IncrementalTestBackend restored = backend(0);
    try (CheckpointCoordinator coordinator = builder(2, 1).build()) {
      coordinator.register(restored, new OperatorStateStore());
      assertThat(coordinator.restoreLatest()).hasValue(2);
      assertThat(restored.slots()).isEqualTo(backend.slots()).isEqualTo(frozen.get(2L));
    }
  }

  /**
   * A pending checkpoint references the shared files of the only retained checkpoint; an older
   * pending checkpoint that stored them anew completes and retention drops their last lister: they
   * must stay (pinned by the pending checkpoint), and the pending one must complete and restore.
   */
  @Test
  void sharedFilesReferencedByAPendingCheckpoint_surviveRetentionOfTheirLastRetainedLister() {
    IncrementalTestBackend backend = backend(0);
    try (CheckpointCoordinator coordinator = builder(1, 2).build()) {
      List<CheckpointParticipant> tasks = List.of(coordinator.register(backend, new OperatorStateStore()));
      backend.mutate(new Random(2), 4);
      checkpoint(coordinator, tasks); // 1: stores every slot
      tasks.get(0).checkpointIfPending();
      Set<String> filesOfFirst = new JobDirectory(dir).sharedFiles();

      CountDownLatch releaseOlder = new CountDownLatch(1);
      CountDownLatch releaseNewer = new CountDownLatch(1);
      backend.gates.put(2L, releaseOlder);
      backend.gates.put(3L, releaseNewer);
      backend.rewriteUnchanged = 1; // checkpoint 2 stores every slot anew: it references nothing of 1
      CompletableFuture<CompletedCheckpoint> older = coordinator.triggerCheckpoint();
      tasks.get(0).checkpointIfPending();
      backend.rewriteUnchanged = 0; // checkpoint 3 references every file of 1
      CompletableFuture<CompletedCheckpoint> newer = coordinator.triggerCheckpoint();
      tasks.get(0).checkpointIfPending();
      awaitReferences(backend, SLOTS); // 3 has referenced 1's files and waits at its gate

      releaseOlder.countDown();
      assertThat(drive(older, tasks).checkpointId()).isEqualTo(2); // retention drops 1: its files are 3's now
      coordinator.completedCheckpoints(); // answers once that retention has run
      assertThat(new JobDirectory(dir).sharedFiles()).as("files of 1 pinned by pending 3").containsAll(filesOfFirst);
      releaseNewer.countDown();
      assertThat(drive(newer, tasks).checkpointId()).isEqualTo(3);
      coordinator.completedCheckpoints();
      tasks.get(0).checkpointIfPending();
      TreeMap<Long, CheckpointMetadata> stored = new JobDirectory(dir).assertClean("after 3 completed");
      assertThat(stored.keySet()).containsExactly(3L);
      assertThat(stored.get(3L).sharedPaths()).containsExactlyInAnyOrderElementsOf(filesOfFirst);
    }
    IncrementalTestBackend restored = backend(0);
    try (CheckpointCoordinator coordinator = builder(1, 2).build()) {
      coordinator.register(restored, new OperatorStateStore());
      assertThat(coordinator.restoreLatest()).hasValue(3);
      assertThat(restored.slots()).isEqualTo(frozen.get(3L));
    }
  }

  /**
   * A claim restore hands the restored checkpoint's files to the backend to reference; a no-claim
   * restore does not (the first checkpoint stores everything anew) and never deletes the restored
   * checkpoint, whatever the retention.
   */
  @Test
  void claimRestore_referencesRestoredFiles_noClaimRestore_storesAnewAndKeepsTheRestoredCheckpoint() {
    IncrementalTestBackend first = backend(0);
    try (CheckpointCoordinator coordinator = builder(1, 1).build()) {
      List<CheckpointParticipant> tasks = List.of(coordinator.register(first, new OperatorStateStore()));
      first.mutate(new Random(3), 4);
      checkpoint(coordinator, tasks); // 1
    }
    IncrementalTestBackend claimed = backend(0);
    try (CheckpointCoordinator coordinator = builder(1, 1).build()) {
      List<CheckpointParticipant> tasks = List.of(coordinator.register(claimed, new OperatorStateStore()));
      assertThat(coordinator.restoreLatest(RestoreMode.CLAIM)).hasValue(1);
      checkpoint(coordinator, tasks); // 2: references every file of 1, which retention then drops
      assertThat(claimed.sharedReferences.get()).isEqualTo(SLOTS);
      assertThat(claimed.sharedWrites.get()).isZero();
      TreeMap<Long, CheckpointMetadata> stored = new JobDirectory(dir).assertClean("after a claim restore");
      assertThat(stored.keySet()).containsExactly(2L);
      assertThat(stored.get(2L).sharedPaths()).allSatisfy(p -> assertThat(p).startsWith("shared/c1-"));
    }
    IncrementalTestBackend unclaimed = backend(0);
    try (CheckpointCoordinator coordinator = builder(1, 1).build()) {
      List<CheckpointParticipant> tasks = List.of(coordinator.register(unclaimed, new OperatorStateStore()));
      assertThat(coordinator.restoreLatest(RestoreMode.NO_CLAIM)).hasValue(2);
      assertThat(unclaimed.slots()).isEqualTo(frozen.get(2L));
      for (int i = 0; i < 3; i++) {
        checkpoint(coordinator, tasks); // 3, 4, 5: never reference 2's files, never delete 2
        tasks.get(0).checkpointIfPending();
      }
      assertThat(unclaimed.sharedWrites.get()).isEqualTo(SLOTS); // the first stored everything anew
      TreeMap<Long, CheckpointMetadata> stored = new JobDirectory(dir).assertClean("after a no-claim restore");
      assertThat(stored.keySet()).containsExactly(2L, 5L);
      assertThat(stored.get(5L).sharedPaths()).noneMatch(p -> stored.get(2L).sharedPaths().contains(p));
    }
  }

  /**
   * Participant 0's asynchronous part fails and aborts the checkpoint while participant 1 is in its
   * synchronous part (after the safe point saw the checkpoint still pending). Participant 1's
   * asynchronous part must not run for the aborted checkpoint: before the fix it did, and the files it
   * referenced stayed pinned by the long-discarded checkpoint, so retention never deleted them.
   */
  @Test
  void checkpointAbortedDuringAnotherParticipantsSynchronousPart_pinsNothing() throws Exception {
    Path job = dir.resolve("job");
    PowerLossFileLayer files = new PowerLossFileLayer(dir);
    IncrementalTestBackend p0 = new IncrementalTestBackend(new KeyGroupRange(0, 63), SLOTS, 1, 0, frozen);
    IncrementalTestBackend p1 = new IncrementalTestBackend(new KeyGroupRange(64, 127), SLOTS, 2, 0, new ConcurrentHashMap<>());
    try (CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job).incrementalCheckpoints()
        .retainedCheckpoints(1).fileLayer(files).build()) {
      List<CheckpointParticipant> tasks = List.of(
          coordinator.register(p0, new OperatorStateStore()), coordinator.register(p1, new OperatorStateStore()));
      p0.mutate(new Random(4), 4);
      p1.mutate(new Random(5), 4);
      checkpoint(coordinator, tasks); // 1
      tasks.forEach(CheckpointParticipant::checkpointIfPending);

      AtomicReference<CompletableFuture<CompletedCheckpoint>> second = new AtomicReference<>();
      CountDownLatch participant1InSynchronousPart = new CountDownLatch(1);
      p0.startGates.put(2L, participant1InSynchronousPart); // participant 0 writes once 1 passed its safe point
      p1.onSnapshot = id -> { // participant 1's synchronous part waits until participant 0 failed checkpoint 2
        if (id == 2) {
          participant1InSynchronousPart.countDown();
          assertThat(second.get()).failsWithin(Duration.ofSeconds(10));
        }
      };
      files.failOperation(1); // participant 0's first file creation
      second.set(coordinator.triggerCheckpoint());
      tasks.forEach(CheckpointParticipant::checkpointIfPending);
      files.failOperation(0);
      p1.onSnapshot = id -> {};
      Thread.sleep(200); // participant 1's asynchronous part, if wrongly started, pins 1's files meanwhile

      p1.rewriteUnchanged = 1; // checkpoint 3 stores participant 1's slots anew: nothing lists 1's any more
      assertThat(checkpoint(coordinator, tasks).checkpointId()).isEqualTo(3);
      tasks.forEach(CheckpointParticipant::checkpointIfPending);
      TreeMap<Long, CheckpointMetadata> stored = new JobDirectory(job).assertClean("after checkpoint 3");
      assertThat(stored.keySet()).containsExactly(3L);
    }
  }

  private static List<StoredFile> shared(CheckpointMetadata metadata) {
    return metadata.files().stream().filter(StoredFile::shared).toList();
  }

  private static void awaitReferences(IncrementalTestBackend backend, long count) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (backend.sharedReferences.get() < count) {
      assertThat(System.nanoTime()).as("references made").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
