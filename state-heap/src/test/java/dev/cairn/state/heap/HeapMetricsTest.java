package dev.cairn.state.heap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.MapState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.kit.MetricsContract;
import dev.cairn.state.metrics.BackendMetrics;
import dev.cairn.state.metrics.MeteredBackend;
import dev.cairn.state.metrics.RestoreListener;
import dev.cairn.state.metrics.StateMetrics;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeapMetricsTest implements MetricsContract {

  @Override
  public KeyedStateBackend<Long> createMeteredBackend(RestoreListener listener, Duration progressInterval) {
    HeapStateBackend.Builder<Long> builder =
        HeapStateBackend.builder(Serializers.LONG).restoreProgressInterval(progressInterval);
    return (listener == null ? builder : builder.restoreListener(listener)).build();
  }

  @Test
  void mapState_countsKeys_andBytesScaleWithEntriesSinceTheLastSnapshot() throws Exception {
    try (KeyedStateBackend<Long> backend = createMeteredBackend(null, Duration.ofSeconds(5))) {
      MapState<String, Long> map = backend.getState(StateDescriptors.map("map", Serializers.STRING, Serializers.LONG));
      for (long key = 0; key < 1_000; key++) {
        backend.setCurrentKey(key);
        map.put("a", key);
        map.put("b", key);
      }
      BackendMetrics before = MeteredBackend.of(backend).metrics();
      assertThat(before.backend()).isEqualTo("heap");
      assertThat(before.memoryBudgetBytes()).isEqualTo(-1);
      assertThat(before.states().get(0).entries()).isEqualTo(1_000);
      assertThat(before.states().get(0).bytes()).as("no full snapshot yet").isZero();

      MemorySnapshotStore store = new MemorySnapshotStore();
      try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1)) {
        snapshot.writeTo(store);
      }
      StateMetrics atSnapshot = MeteredBackend.of(backend).metrics().states().get(0);
      assertThat(atSnapshot.bytes()).isPositive().isLessThanOrEqualTo(store.bytesWritten());
      for (long key = 1_000; key < 2_000; key++) {
        backend.setCurrentKey(key);
        map.put("a", key);
        map.put("b", key);
      }
      StateMetrics doubled = MeteredBackend.of(backend).metrics().states().get(0);
      assertThat(doubled.entries()).isEqualTo(2_000);
      assertThat(doubled.bytes()).isEqualTo(2 * atSnapshot.bytes());
    }
  }
}
