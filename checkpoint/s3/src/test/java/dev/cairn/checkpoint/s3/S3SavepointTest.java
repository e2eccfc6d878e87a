package dev.cairn.checkpoint.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointException;
import dev.cairn.checkpoint.CheckpointParticipant;
import dev.cairn.checkpoint.CompletedCheckpoint;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Savepoints written to, restored from and disposed at an {@code s3://} location (s3proxy in this JVM). */
class S3SavepointTest {

  private static final ValueStateDescriptor<String> STATE = StateDescriptors.value("value", Serializers.STRING);
  private static final int KEYS = 2_000;

  @TempDir Path dir;

  @BeforeAll
  static void credentials() {
    S3ProxyServer.credentialProperties();
  }

  private static String location(String what) {
    return S3ProxyServer.get().location("savepoints/" + what + "-" + System.nanoTime());
  }

  private static void fill(KeyedStateBackend<Long> backend) {
    ValueState<String> state = backend.getState(STATE);
    for (long key = 0; key < KEYS; key++) {
      backend.setCurrentKey(key);
      state.update("v" + key);
    }
  }

  @Test
  void savepointOnS3_ofAHeapBackend_restoresIntoRocksDb_thenIsDisposed() {
    String savepoint = location("heap-to-rocksdb");
    long id;
    try (KeyedStateBackend<Long> heap = HeapStateBackend.builder(Serializers.LONG).build();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job-a")).build()) {
      CheckpointParticipant task = coordinator.register(heap, new OperatorStateStore());
      fill(heap);

      CompletedCheckpoint written = task.savepointNow(savepoint).orTimeout(60, TimeUnit.SECONDS).join();

      id = written.checkpointId();
      assertThat(written.savepoint()).isTrue();
      assertThatThrownBy(() -> coordinator.triggerSavepoint(savepoint).join())
          .isInstanceOf(CompletionException.class).cause().isInstanceOf(CheckpointException.class)
          .hasMessageContaining("is not empty").hasMessageContaining("s3://" + S3ProxyServer.BUCKET + "/savepoints/");
    }

    try (KeyedStateBackend<Long> rocks = RocksDbStateBackend.builder(Serializers.LONG).build();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job-b")).build()) {
      coordinator.register(rocks, new OperatorStateStore());

      assertThat(coordinator.restore(savepoint)).isEqualTo(id);

      ValueState<String> state = rocks.getState(STATE);
      for (long key = 0; key < KEYS; key++) {
        rocks.setCurrentKey(key);
        assertThat(state.value()).isEqualTo("v" + key);
      }
    }

    CheckpointCoordinator.disposeSavepoint(savepoint);

    try (KeyedStateBackend<Long> heap = HeapStateBackend.builder(Serializers.LONG).build();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job-c")).build()) {
      coordinator.register(heap, new OperatorStateStore());
      assertThatThrownBy(() -> coordinator.restore(savepoint)).isInstanceOf(CheckpointException.class)
          .hasMessageContaining("holds no savepoint");
    }
  }

  @Test
  void restore_ofAnIncrementalCheckpointOnS3_alone_isRefusedNamingRestoreLatest() {
    String job = "jobs/incremental-" + System.nanoTime();
    try (KeyedStateBackend<Long> rocks = RocksDbStateBackend.builder(Serializers.LONG).build();
        CheckpointCoordinator coordinator =
            CheckpointCoordinator.builder(S3ProxyServer.get().location(job)).incrementalCheckpoints().build()) {
      CheckpointParticipant task = coordinator.register(rocks, new OperatorStateStore());
      fill(rocks);
      task.checkpointNow().orTimeout(60, TimeUnit.SECONDS).join();
    }

    try (KeyedStateBackend<Long> rocks = RocksDbStateBackend.builder(Serializers.LONG).build();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job")).build()) {
      coordinator.register(rocks, new OperatorStateStore());
      assertThatThrownBy(() -> coordinator.restore(S3ProxyServer.get().location(job + "/chk-1")))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("shared files").hasMessageContaining("restoreLatest()");
      assertThatThrownBy(() -> CheckpointCoordinator.disposeSavepoint(S3ProxyServer.get().location(job + "/chk-1")))
          .isInstanceOf(CheckpointException.class).hasMessageContaining("is a checkpoint, not a savepoint");
    }
  }
}
