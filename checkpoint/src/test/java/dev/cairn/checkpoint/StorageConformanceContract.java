package dev.cairn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.checkpoint.internal.CheckpointLayout;
import dev.cairn.checkpoint.internal.CheckpointMetadata;
import dev.cairn.checkpoint.internal.JobStore;
import dev.cairn.checkpoint.internal.StoredFile;
import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.state.StateException;
import dev.cairn.state.spi.KeyGroupRange;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The checkpoint protocol over any {@link CheckpointStorage}, through the SPI only: a coordinator
 * round trip with full and incremental checkpoints on heap and RocksDB, 100 incremental checkpoints
 * retaining 3 leaving exactly the objects the retained checkpoints list, every byte-level damage of a
 * checkpoint's objects detected, a second coordinator refused ({@link StorageCrashContract} crashes
 * a child JVM before each storage operation). Subclasses give a location per test (a path or a URI
 * for {@link CheckpointStorage#forLocation}).
 */
public abstract class StorageConformanceContract {

  private static final java.util.concurrent.atomic.AtomicInteger JOBS = new java.util.concurrent.atomic.AtomicInteger();

  /** A fresh, empty location named after {@code name}, as a string for {@link CheckpointStorage#forLocation}. */
  protected abstract String location(String name);

  String newLocation(String what) {
    return location(what + "-" + JOBS.incrementAndGet() + "-" + ProcessHandle.current().pid() % 1000);
  }

  /** The checkpoints with metadata, their objects, and anything else, read through the SPI. */
  static TreeMap<Long, CheckpointMetadata> assertOnlyCompleteCheckpoints(String location, String context)
      throws IOException {
    return assertOnlyCompleteCheckpoints(location, context, name -> false);
  }

  /**
   * Like {@link #assertOnlyCompleteCheckpoints(String, String)}, ignoring names {@code serverArtifact}
   * accepts (a test server's own files, such as s3proxy's in-progress uploads of a killed client).
   */
  static TreeMap<Long, CheckpointMetadata> assertOnlyCompleteCheckpoints(String location, String context,
      java.util.function.Predicate<String> serverArtifact) throws IOException {
    try (CheckpointStorage storage = CheckpointStorage.forLocation(location)) {
      TreeMap<Long, CheckpointMetadata> complete = new TreeMap<>();
      CheckpointStorage.Listing root = storage.list("");
      assertThat(root.files()).as("%s: objects at the root", context)
          .allMatch(f -> f.equals(CheckpointLayout.LOCK) || serverArtifact.test(f));
      for (String directory : root.directories()) {
        if (directory.equals(CheckpointLayout.SHARED_DIRECTORY)) {
          continue;
        }
        long id = CheckpointLayout.checkpointId(directory).orElseThrow();
        CheckpointStorage checkpoint = storage.child(directory);
        assertThat(checkpoint.exists(CheckpointLayout.METADATA)).as("%s: %s is complete", context, directory).isTrue();
        CheckpointMetadata metadata = JobStore.readMetadata(checkpoint);
        Set<String> listed = new TreeSet<>(List.of(CheckpointLayout.METADATA));
        for (StoredFile file : metadata.files()) {
          CheckpointStorage where = file.shared() ? storage : checkpoint;
          assertThat(where.size(file.path())).as("%s: %s of %s", context, file.path(), directory).isEqualTo(file.size());
          if (!file.shared()) {
            listed.add(file.path());
          }
        }
        Set<String> objects = new TreeSet<>(checkpoint.list("").files());
        objects.removeIf(serverArtifact);
        assertThat(objects).as("%s: objects of %s", context, directory).isEqualTo(listed);
        complete.put(id, metadata);
      }
      Set<String> shared = new TreeSet<>();
      storage.list(CheckpointLayout.SHARED_DIRECTORY).files().stream().filter(serverArtifact.negate())
          .forEach(f -> shared.add(CheckpointLayout.SHARED_DIRECTORY + "/" + f));
      assertThat(shared).as("%s: shared objects are exactly those retained checkpoints list", context)
          .isEqualTo(JobDirectory.referenced(complete.values()));
      return complete;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "heap-incremental", "rocksdb-incremental"})
  public void coordinatorRoundTrip_restoresExactly(String variant) throws Exception {
    String location = newLocation("roundtrip-" + variant);
    var factory = variant.startsWith("rocksdb") ? TestJob.ROCKSDB : TestJob.HEAP;
    long offset = 0;
    for (int run = 0; run < 2; run++) {
      CheckpointCoordinator.Builder builder = CheckpointCoordinator.builder(location).retainedCheckpoints(2);
      if (variant.endsWith("incremental")) {
        builder.incrementalCheckpoints();
      }
      try (TestJob job = new TestJob(factory, KeyGroupRange.all(128));
          CheckpointCoordinator coordinator = builder.build()) {
        CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
        assertThat(coordinator.restoreLatest().isPresent()).isEqualTo(run > 0);
        job.open();
        assertThat(job.offset()).isEqualTo(offset);
        assertThat(job.dump()).isEqualTo(TestJob.expected(offset, CheckpointCoordinatorTest.KEYS));
        for (int i = 0; i < 3; i++) {
          job.processRange(offset, offset + 300, CheckpointCoordinatorTest.KEYS);
          offset += 300;
          CheckpointCoordinatorTest.checkpoint(coordinator, List.of(task));
        }
        task.checkpointIfPending();
      }
      TreeMap<Long, CheckpointMetadata> retained = assertOnlyCompleteCheckpoints(location, variant + " after run " + run);
      assertThat(retained).hasSize(2);
      if (variant.endsWith("incremental")) {
        assertThat(JobDirectory.referenced(retained.values())).as("incremental checkpoints share objects").isNotEmpty();
      }
    }
  }

  @Test
  public void hundredIncrementalCheckpoints_retainingThree_leaveExactlyTheReferencedObjects() throws Exception {
    String location = newLocation("hundred");
    long seed = 0x5EED_0100L;
    Random random = new Random(seed);
    Map<Long, long[]> frozen = new ConcurrentHashMap<>();
    IncrementalTestBackend backend = new IncrementalTestBackend(KeyGroupRange.all(128), 8, seed, 0.1, frozen);
    try (CheckpointCoordinator coordinator = CheckpointCoordinator.builder(location)
        .incrementalCheckpoints().retainedCheckpoints(3).build()) {
      List<CheckpointParticipant> tasks = List.of(coordinator.register(backend, new OperatorStateStore()));
      for (int i = 1; i <= 100; i++) {
        backend.mutate(random, 1 + random.nextInt(2));
        assertThat(CheckpointCoordinatorTest.checkpoint(coordinator, tasks).checkpointId()).isEqualTo(i);
      }
      tasks.get(0).checkpointIfPending();
      TreeMap<Long, CheckpointMetadata> retained = assertOnlyCompleteCheckpoints(location, "after 100 checkpoints");
      assertThat(retained.keySet()).containsExactly(98L, 99L, 100L);
      int shared = JobDirectory.referenced(retained.values()).size();
      assertThat(coordinator.sharedFileCount()).isEqualTo(shared);
      assertThat(shared).isBetween(8, 3 * 8 - 1);
      assertThat(backend.sharedReferences.get()).isGreaterThan(backend.sharedWrites.get());
    }
    IncrementalTestBackend restored = new IncrementalTestBackend(KeyGroupRange.all(128), 8, seed, 0.1, frozen);
    try (CheckpointCoordinator coordinator = CheckpointCoordinator.builder(location).incrementalCheckpoints().build()) {
      coordinator.register(restored, new OperatorStateStore());
      assertThat(coordinator.restoreLatest()).hasValue(100);
      assertThat(restored.slots()).isEqualTo(frozen.get(100L)).isEqualTo(backend.slots());
    }
  }

  private static byte[] read(CheckpointStorage storage, String name) throws IOException {
    try (InputStream in = storage.open(name)) {
      return in.readAllBytes();
    }
  }

  private static void replace(CheckpointStorage storage, String name, byte[] content) throws IOException {
    storage.delete(name);
    CheckpointStorage.Output out = storage.create(name);
    out.write(content);
    out.commit();
  }

  /** Flips a byte in, then truncates, each object of the latest checkpoint in turn: restore names it. */
  @Test
  public void damagedObjects_areDetectedAndNamed() throws Exception {
    String location = newLocation("damage");
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(location).incrementalCheckpoints().build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 400, CheckpointCoordinatorTest.KEYS);
      CheckpointCoordinatorTest.checkpoint(coordinator, List.of(task));
    }
    try (CheckpointStorage storage = CheckpointStorage.forLocation(location)) {
      CheckpointStorage checkpoint = storage.child(CheckpointLayout.checkpointDirectory(1));
      CheckpointMetadata metadata = JobStore.readMetadata(checkpoint);
      List<String> objects = new ArrayList<>();
      objects.add(CheckpointLayout.checkpointDirectory(1) + "/" + CheckpointLayout.METADATA);
      for (StoredFile file : metadata.files()) {
        objects.add(file.shared() ? file.path() : CheckpointLayout.checkpointDirectory(1) + "/" + file.path());
      }
      assertThat(objects).hasSizeGreaterThanOrEqualTo(3);
      for (String object : objects) {
        byte[] original = read(storage, object);
        for (int damage = 0; damage < 2; damage++) {
          byte[] damaged = damage == 0 ? original.clone() : java.util.Arrays.copyOf(original, original.length - 3);
          if (damage == 0) {
            damaged[damaged.length / 2] ^= 0x10;
          }
          replace(storage, object, damaged);
          try (TestJob job = new TestJob();
              CheckpointCoordinator coordinator = CheckpointCoordinator.builder(location).build()) {
            coordinator.register(job.backend, job.operatorState);
            String what = (damage == 0 ? "a flipped byte in " : "a truncated ") + object;
            assertThatThrownBy(coordinator::restoreLatest).as(what).isInstanceOf(StateException.class)
                .hasMessageContaining(object.substring(object.lastIndexOf('/') + 1));
          }
          replace(storage, object, original);
        }
      }
    }
    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(location).build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThat(coordinator.restoreLatest()).as("the repaired checkpoint").hasValue(1);
      job.open();
      assertThat(job.dump()).isEqualTo(TestJob.expected(400, CheckpointCoordinatorTest.KEYS));
    }
  }

  @Test
  public void secondCoordinator_isRefusedWhileTheFirstLives() throws Exception {
    String location = newLocation("exclusive");
    try (CheckpointCoordinator first = CheckpointCoordinator.builder(location).build()) {
      assertThatThrownBy(() -> CheckpointCoordinator.builder(location).build().close())
          .isInstanceOf(StateException.class).hasMessageContaining("in use by another live coordinator");
      assertThat(first.completedCheckpoints()).isEmpty();
    }
    CheckpointCoordinator.builder(location).build().close(); // free once the first closed
  }
}
