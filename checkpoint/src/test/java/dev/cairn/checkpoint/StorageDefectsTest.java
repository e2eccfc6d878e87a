package dev.cairn.checkpoint;

import static dev.cairn.checkpoint.CheckpointCoordinatorTest.KEYS;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.checkpoint;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.drive;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.checkpoint.internal.CheckpointFiles;
import dev.cairn.checkpoint.internal.MetadataFormat;
import dev.cairn.checkpoint.storage.FaultInjectingFileLayer;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import dev.cairn.state.spi.KeyGroupRange;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each test reproduces a storage defect found by attacking format v1's code; each failed before v2. */
class StorageDefectsTest {

  @TempDir Path dir;

  private Path job() {
    return dir.resolve("job");
  }

  private Map<Long, String> checkpointOnce(Path jobDir, long records) {
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(jobDir).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, records, KEYS);
      checkpoint(coordinator, List.of(task));
      return job.dump();
    }
  }

  @Test
  void symlinkedCheckpointDirectory_isNeverFollowedByCleanupOrRetention() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("precious"));
    Files.write(outside.resolve("task-0.keyed-state"), new byte[] {1, 2, 3});
    Files.write(outside.resolve("notes.txt"), new byte[] {4});
    Files.createDirectories(job());
    Files.createSymbolicLink(job().resolve("chk-1"), outside); // unfinished-looking, and old

    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job()).retainedCheckpoints(1).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      for (int i = 0; i < 3; i++) {
        job.processRange(i * 100L, (i + 1) * 100L, KEYS);
        checkpoint(coordinator, List.of(task));
      }
    }
    assertThat(entries(outside)).containsExactly("notes.txt", "task-0.keyed-state");
    assertThat(Files.isSymbolicLink(job().resolve("chk-1"))).isTrue();
  }

  @Test
  void symlinkedSharedDirectory_isNeverFollowed() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("precious"));
    Files.write(outside.resolve("c1-0123456789abcdef0123456789abcdef-000001.sst"), new byte[] {1});
    Files.createDirectories(job());
    Files.createSymbolicLink(job().resolve("shared"), outside);

    checkpointOnce(job(), 100);

    assertThat(entries(outside)).containsExactly("c1-0123456789abcdef0123456789abcdef-000001.sst");
  }

  @Test
  void strayEntriesInUnfinishedCheckpoint_areLeftAndTheCoordinatorStillStarts() throws Exception {
    Files.createDirectories(job().resolve("chk-3/stray-directory"));
    Files.write(job().resolve("chk-3/task-0.keyed-state"), new byte[10]);
    Files.write(job().resolve("chk-3/someone-elses-file"), new byte[10]);

    for (int start = 0; start < 2; start++) { // v1 failed every start with DirectoryNotEmptyException
      checkpointOnce(job(), 100);
    }
    assertThat(entries(job().resolve("chk-3"))).containsExactly("someone-elses-file", "stray-directory");
    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job()).build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThat(coordinator.restoreLatest()).hasValue(5);
    }
  }

  @Test
  void close_whileMetadataIsBeingCommitted_leavesACompleteRestorableCheckpoint() throws Exception {
    FaultInjectingFileLayer slow = new FaultInjectingFileLayer();
    Map<Long, String> expected;
    CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job()).fileLayer(slow).build();
    try (TestJob job = new TestJob().open()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 1_000, KEYS);
      expected = job.dump();
      slow.holdRenameTo("_metadata");
      CompletableFuture<CompletedCheckpoint> future = coordinator.triggerCheckpoint();
      while (!slow.awaitHeldRename()) {
        task.checkpointIfPending();
      }
      task.checkpointIfPending();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(coordinator::close);
      Thread.sleep(200); // close() is now waiting for the commit (v1 deleted the data files here)
      slow.release();
      closing.get(10, TimeUnit.SECONDS);
      assertThat(future.get(10, TimeUnit.SECONDS).checkpointId()).isEqualTo(1);
    }
    try (TestJob job = new TestJob();
        CheckpointCoordinator reopened = CheckpointCoordinator.builder(job()).build()) {
      reopened.register(job.backend, job.operatorState);
      assertThat(reopened.restoreLatest()).hasValue(1);
      job.open();
      assertThat(job.dump()).isEqualTo(expected);
    }
  }

  @Test
  void newCheckpointDirectory_andEveryFileInIt_areSyncedBeforeTheMetadataCommits() throws Exception {
    FaultInjectingFileLayer recording = new FaultInjectingFileLayer();
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job()).fileLayer(recording).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 100, KEYS);
      checkpoint(coordinator, List.of(task));
    }
    List<String> log = recording.log();
    Path checkpoint = job().toAbsolutePath().resolve("chk-1");
    int mkdir = log.indexOf("mkdir " + checkpoint);
    int commit = indexOfFirst(log, "rename " + checkpoint + "/.tmp-", "-_metadata");
    int lastDataRename = -1;
    for (int i = 0; i < commit; i++) {
      if (log.get(i).startsWith("rename " + checkpoint + "/")) {
        lastDataRename = i;
      }
    }
    assertThat(mkdir).as("chk-1 created: %s", log).isNotNegative();
    assertThat(lastDataRename).as("a data file committed before the metadata: %s", log).isNotNegative();
    assertThat(log.subList(mkdir, commit)).as("job directory fsynced after mkdir chk-1, before the commit")
        .contains("sync-directory " + job().toAbsolutePath());
    assertThat(log.subList(lastDataRename, commit)).as("chk-1 fsynced after its files' renames, before the commit")
        .contains("sync-directory " + checkpoint);
  }

  @Test
  void retention_deletesMetadataBeforeAnyOtherFileOfTheExpiredCheckpoint() throws Exception {
    FaultInjectingFileLayer recording = new FaultInjectingFileLayer();
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator =
            CheckpointCoordinator.builder(job()).retainedCheckpoints(1).fileLayer(recording).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 100, KEYS);
      checkpoint(coordinator, List.of(task));
      checkpoint(coordinator, List.of(task));
    }
    Path expired = job().toAbsolutePath().resolve("chk-1");
    List<String> log = recording.log();
    List<String> deletes = log.stream().filter(op -> op.startsWith("delete " + expired)).toList();
    assertThat(deletes).first().isEqualTo("delete " + expired.resolve("_metadata"));
    assertThat(deletes).hasSizeGreaterThan(2);
    // and durably so before any other file goes: a power loss never leaves metadata without its files
    int metadataDeleted = log.indexOf(deletes.get(0));
    int nextDelete = log.indexOf(deletes.get(1));
    assertThat(log.subList(metadataDeleted, nextDelete)).contains("sync-directory " + expired);
    assertThat(job().resolve("chk-1")).doesNotExist();
  }

  @Test
  void metadataWithHugeDeclaredPayload_isRejectedWithoutReadingIt() throws Exception {
    checkpointOnce(job(), 100);
    Path metadata = job().resolve("chk-1/_metadata");
    try (RandomAccessFile file = new RandomAccessFile(metadata.toFile(), "rw")) {
      file.setLength(MetadataFormat.MAX_PAYLOAD_BYTES + 4096L); // sparse: 64 MiB of "padding"
    }
    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job()).build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThatThrownBy(coordinator::restoreLatest)
          .isInstanceOf(CheckpointCorruptedException.class)
          .hasMessageContaining(metadata.toAbsolutePath().toString())
          .hasMessageContaining("allowed");
    }
  }

  @Test
  void metadataOfAnotherCheckpointId_isReportedAsDamaged() throws Exception {
    checkpointOnce(job(), 100);
    Files.move(job().resolve("chk-1"), job().resolve("chk-9"));
    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job()).build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThatThrownBy(coordinator::restoreLatest)
          .isInstanceOf(CheckpointCorruptedException.class)
          .hasMessageContaining("metadata of checkpoint 1 in the directory of checkpoint 9");
      assertThatThrownBy(() -> coordinator.restore(job().resolve("chk-9")))
          .isInstanceOf(CheckpointCorruptedException.class);
    }
  }

  @Test
  void metadata_recordsTheJobIdKeptAcrossRestarts() throws Exception {
    checkpointOnce(job(), 100);
    java.util.UUID first;
    try (CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job()).build()) {
      first = coordinator.jobId();
    }
    checkpointOnce(job(), 200);
    try (CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job()).build()) {
      assertThat(coordinator.jobId()).isEqualTo(first);
    }
    byte[] raw = Files.readAllBytes(job().resolve("chk-2/_metadata"));
    ByteBuffer payload = ByteBuffer.wrap(raw, 8, raw.length - 8);
    assertThat(new java.util.UUID(payload.getLong(), payload.getLong())).isEqualTo(first);
  }

  @Test
  void register_sameBackendTwiceOrOverlappingRanges_isRefused() {
    try (TestJob a = new TestJob(new KeyGroupRange(0, 63));
        TestJob b = new TestJob(new KeyGroupRange(32, 127));
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job()).build()) {
      coordinator.register(a.backend, a.operatorState);
      assertThatThrownBy(() -> coordinator.register(a.backend, new OperatorStateStore()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registered already");
      assertThatThrownBy(() -> coordinator.register(b.backend, b.operatorState))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
    }
  }

  @Test
  void restore_participantsLeavingKeyGroupsUncovered_isRefusedNamingTheGroups() {
    checkpointOnce(job(), 300);
    try (TestJob half = new TestJob(new KeyGroupRange(0, 63));
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job()).build()) {
      coordinator.register(half.backend, half.operatorState);
      assertThatThrownBy(coordinator::restoreLatest)
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("key groups {64, 65");
    }
  }

  @Test
  void disposeSavepoint_goesThroughTheGivenStorage() throws Exception {
    Path savepoint = dir.resolve("sp");
    try (TestJob job = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job()).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, 100, KEYS);
      drive(coordinator.triggerSavepoint(savepoint), List.of(task));
    }
    FaultInjectingFileLayer recording = new FaultInjectingFileLayer();
    CheckpointCoordinator.disposeSavepoint(LocalCheckpointStorage.at(recording, savepoint));
    assertThat(recording.log()).first().isEqualTo("delete " + savepoint.toAbsolutePath().resolve("_metadata"));
    assertThat(savepoint).doesNotExist();
  }

  @Test
  void unreferencedSharedFiles_areRemovedAtStartButOthersAreLeft() throws Exception {
    checkpointOnce(job(), 100);
    Path shared = Files.createDirectories(job().resolve("shared"));
    Path orphan = shared.resolve("c7-0123456789abcdef0123456789abcdef-000042.sst");
    Files.write(orphan, CheckpointFiles.frame(1, 1, new byte[3]));
    Files.write(shared.resolve("README"), new byte[1]);

    checkpointOnce(job(), 200);

    assertThat(entries(shared)).containsExactly("README");
  }

  private static int indexOfFirst(List<String> log, String prefix, String suffix) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).startsWith(prefix) && log.get(i).endsWith(suffix)) {
        return i;
      }
    }
    return -1;
  }
}
