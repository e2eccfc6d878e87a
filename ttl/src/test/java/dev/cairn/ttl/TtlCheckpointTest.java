package dev.cairn.ttl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointParticipant;
import dev.cairn.checkpoint.CompletedCheckpoint;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.state.MapState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.ValueState;
import dev.cairn.state.serde.Serializers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** TTL state through the checkpoint coordinator: timestamps survive, between any two backends. */
class TtlCheckpointTest {

  @TempDir Path dir;

  private static final TtlConfig TTL = TtlConfig.builder(Duration.ofSeconds(10)).build();

  private static CompletedCheckpoint drive(CompletableFuture<CompletedCheckpoint> future, CheckpointParticipant task) {
    while (!future.isDone()) {
      task.checkpointIfPending();
      Thread.onSpinWait();
    }
    return future.join();
  }

  @ParameterizedTest
  @CsvSource({"HEAP,HEAP", "HEAP,ROCKSDB", "ROCKSDB,HEAP", "ROCKSDB,ROCKSDB"})
  void checkpointAndSavepoint_keepLastAccessTimestamps(Backends from, Backends to) {
    ManualClock clock = new ManualClock(1_000_000);
    try (TtlStateBackend<Long> backend = TtlStateBackend.wrap(from.create(Serializers.LONG), TTL, clock);
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job")).build()) {
      CheckpointParticipant task = coordinator.register(backend, new OperatorStateStore());
      ValueState<String> value = backend.getState(StateDescriptors.value("v", Serializers.STRING));
      MapState<String, Long> map = backend.getState(StateDescriptors.map("m", Serializers.STRING, Serializers.LONG));
      backend.setCurrentKey(1L);
      value.update("old");          // written at t0
      map.put("early", 1L);
      clock.advance(6_000);
      backend.setCurrentKey(2L);
      value.update("young");        // written at t0 + 6 s
      map.put("late", null);
      drive(coordinator.triggerSavepoint(dir.resolve("sp")), task);
    }

    clock.advance(3_000); // t0 + 9 s: everything still alive
    try (TtlStateBackend<Long> backend = TtlStateBackend.wrap(to.create(Serializers.LONG), TTL, clock);
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job2")).build()) {
      coordinator.register(backend, new OperatorStateStore());
      coordinator.restore(dir.resolve("sp"));
      ValueState<String> value = backend.getState(StateDescriptors.value("v", Serializers.STRING));
      MapState<String, Long> map = backend.getState(StateDescriptors.map("m", Serializers.STRING, Serializers.LONG));
      backend.setCurrentKey(1L);
      assertThat(value.value()).isEqualTo("old");
      assertThat(map.contains("early")).isTrue();

      clock.advance(1_000); // t0 + 10 s: the entries written at t0 expire, not the younger ones
      assertThat(value.value()).isNull();
      assertThat(map.contains("early")).isFalse();
      backend.setCurrentKey(2L);
      assertThat(value.value()).isEqualTo("young");
      assertThat(map.contains("late")).isTrue();
      assertThat(map.get("late")).isNull();
    }
  }
}
