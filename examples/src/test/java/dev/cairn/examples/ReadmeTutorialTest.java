package dev.cairn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointParticipant;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.ReducingState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.serde.Serializers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start and the checkpoint README's loop, as tests: if the documented code stops
 * compiling or working, this fails. Keep the bodies in step with the READMEs.
 */
class ReadmeTutorialTest {

  record Event(String user, String action, long amount) {}

  static final List<Event> EVENTS =
      List.of(new Event("alice", "view", 3), new Event("bob", "click", 5), new Event("alice", "view", 4));

  @Test
  void readmeQuickStart_countsSumsAndActionsPerUser() {
    List<Event> events = EVENTS;
    try (KeyedStateBackend<String> backend = HeapStateBackend.builder(Serializers.STRING).build()) {
      ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG, 0L));
      ReducingState<Long> sum = backend.getState(StateDescriptors.reducing("sum", Long::sum, Serializers.LONG));
      MapState<String, Long> perAction =
          backend.getState(StateDescriptors.map("per-action", Serializers.STRING, Serializers.LONG));

      for (Event e : events) {
        backend.setCurrentKey(e.user());
        count.update(count.value() + 1);
        sum.add(e.amount());
        Long n = perAction.get(e.action());
        perAction.put(e.action(), n == null ? 1 : n + 1);
      }

      backend.setCurrentKey("alice");
      assertThat(count.value()).isEqualTo(2);
      assertThat(sum.get()).isEqualTo(7);
      assertThat(perAction.get("view")).isEqualTo(2);
      backend.setCurrentKey("bob");
      assertThat(count.value()).isEqualTo(1);
      assertThat(perAction.contains("view")).isFalse();
    }
  }

  /** The checkpoint README's loop, run twice: the second run restores the first one's position. */
  @Test
  void checkpointReadmeLoop_restartResumesFromSavedPosition(@TempDir Path dir) {
    assertThat(runLoop(dir, 2)).isEqualTo(0);           // first run: processes 2 records, checkpoints
    assertThat(runLoop(dir, EVENTS.size())).isEqualTo(2); // restart: resumes at record 2
  }

  /** Processes records up to {@code until}; returns the position it started from. */
  private static long runLoop(Path dir, int until) {
    try (KeyedStateBackend<String> backend = HeapStateBackend.builder(Serializers.STRING).build();
        CheckpointCoordinator coordinator =
            CheckpointCoordinator.builder(dir).interval(Duration.ofMillis(200)).build()) {
      OperatorStateStore operatorState = new OperatorStateStore();
      CheckpointParticipant task = coordinator.register(backend, operatorState);
      coordinator.restoreLatest();
      ListState<Long> offset = operatorState.getListState("offset", Serializers.LONG);
      long[] position = {0};
      offset.get().forEach(p -> position[0] = p);
      long start = position[0];
      task.beforeSnapshot(() -> offset.update(List.of(position[0])));
      coordinator.start();
      ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG, 0L));
      for (int i = (int) position[0]; i < until; i++) {
        task.checkpointIfPending();
        backend.setCurrentKey(EVENTS.get(i).user());
        count.update(count.value() + 1);
        position[0]++;
      }
      var done = coordinator.triggerCheckpoint();
      while (!done.isDone()) {
        task.checkpointIfPending();
        Thread.onSpinWait();
      }
      done.join();
      return start;
    }
  }
}
