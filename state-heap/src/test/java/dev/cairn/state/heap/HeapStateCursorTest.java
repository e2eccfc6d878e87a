package dev.cairn.state.heap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ValueState;
import dev.cairn.state.kit.StateCursorContract;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.ScannableBackend;
import dev.cairn.state.spi.StateCursor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cursor contract on the heap, and that a group map's resize mid-round misses no key. */
class HeapStateCursorTest implements StateCursorContract {

  @Override
  public KeyedStateBackend<Long> createCursorBackend() {
    return HeapStateBackend.builder(Serializers.LONG).build();
  }

  @Test
  void groupMapResizedMidRound_everyKeptKeyIsStillVisited() {
    try (KeyedStateBackend<Long> backend = HeapStateBackend.builder(Serializers.LONG).maxParallelism(1).build()) {
      StateCursorContract.fill(backend, 0, 100); // one key group: one map, which resizes below
      ValueState<Long> value = backend.getState(VALUE);
      StateCursor<Long> cursor = ScannableBackend.cursor(backend, VALUE.name());
      List<Long> visited = new ArrayList<>();

      assertThat(cursor.advance(50, ALL, visited::add)).isEqualTo(50);
      StateCursorContract.fill(backend, 100, 10_000); // rehashes the map several times
      backend.setCurrentKey(visited.get(0));
      value.clear(); // removal shifts entries back
      while (cursor.advance(50, ALL, visited::add) == 50) {
        // the rest of the round
      }

      for (long key = 0; key < 100; key++) {
        assertThat(visited).as("key %d, stored throughout the round", key).contains(key);
      }
    }
  }
}
