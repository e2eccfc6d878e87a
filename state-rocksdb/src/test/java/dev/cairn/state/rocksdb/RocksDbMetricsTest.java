package dev.cairn.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.MapState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.kit.MetricsContract;
import dev.cairn.state.metrics.BackendMetrics;
import dev.cairn.state.metrics.MeteredBackend;
import dev.cairn.state.metrics.RestoreListener;
import dev.cairn.state.metrics.RestoreProgress;
import dev.cairn.state.metrics.StateMetrics;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The metrics contract and RocksDB's own figures. The contract runs without the write-back cache,
 * whose writes the figures count as of the state's last snapshot (
 * {@link #metrics_withTheWriteBackCache_countCachedWritesAsOfTheLastSnapshot}).
 */
class RocksDbMetricsTest implements MetricsContract {

  private static final long BUDGET = 64L << 20;
  private static final TestDirectories DIRECTORIES = new TestDirectories("cairn-rocksdb-metrics-");

  @AfterAll
  static void release() {
    DIRECTORIES.close();
  }

  @Override
  public KeyedStateBackend<Long> createMeteredBackend(RestoreListener listener, Duration progressInterval) {
    RocksDbStateBackend.Builder<Long> builder = RocksDbStateBackend.builder(Serializers.LONG)
        .workingDirectory(DIRECTORIES.next())
        .memoryBudget(BUDGET)
        .writeBackCache(0)
        .restoreProgressInterval(progressInterval);
    return (listener == null ? builder : builder.restoreListener(listener)).build();
  }

  @Test
  void metrics_reportNativePropertiesMemoryAndARowPerMapEntry() throws Exception {
    try (KeyedStateBackend<Long> backend = createMeteredBackend(null, Duration.ofSeconds(5))) {
      MapState<String, Long> map = backend.getState(StateDescriptors.map("map", Serializers.STRING, Serializers.LONG));
      for (long key = 0; key < 1_000; key++) {
        backend.setCurrentKey(key);
        map.put("a", key);
        map.put("b", key);
      }
      BackendMetrics metrics = MeteredBackend.of(backend).metrics();
      assertThat(metrics.backend()).isEqualTo("rocksdb");
      assertThat(metrics.memoryBudgetBytes()).isEqualTo(BUDGET);
      assertThat(metrics.memoryUsedBytes()).isPositive().isLessThanOrEqualTo(BUDGET);
      assertThat(metrics.writeStalls()).isZero();
      assertThat(metrics.details()).containsKeys(RocksDbMetrics.DATABASE_PROPERTIES.toArray(String[]::new));
      StateMetrics state = metrics.states().get(0);
      assertThat(state.entries()).isEqualTo(2_000);
      assertThat(state.details()).containsKeys(RocksDbMetrics.STATE_PROPERTIES.toArray(String[]::new));
      assertThat(state.details().get("rocksdb.cur-size-all-mem-tables")).isPositive();
      assertThat(state.bytes()).isEqualTo(state.details().get("rocksdb.estimate-live-data-size")
          + state.details().get("rocksdb.cur-size-all-mem-tables"));
    }
  }

  @Test
  void metrics_withTheWriteBackCache_countCachedWritesAsOfTheLastSnapshot() {
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG)
        .workingDirectory(DIRECTORIES.next())
        .memoryBudget(BUDGET)
        .build()) {
      ValueState<Long> value = backend.getState(StateDescriptors.value("v", Serializers.LONG));
      for (long key = 0; key < 1_000; key++) {
        backend.setCurrentKey(key);
        value.update(key);
      }
      assertThat(MeteredBackend.of(backend).metrics().states().get(0).entries()).as("all still cached").isZero();

      Snapshotable.of(backend).snapshot(1, SnapshotMode.CANONICAL).close();

      StateMetrics state = MeteredBackend.of(backend).metrics().states().get(0);
      assertThat(state.entries()).isEqualTo(1_000);
      assertThat(state.details()).containsEntry(RocksDbMetrics.CACHED_ENTRIES, 1_000L);
      assertThat(state.bytes()).isGreaterThanOrEqualTo(state.details().get(RocksDbMetrics.CACHED_BYTES)).isPositive();

      RocksDbStateBackend.flushAndCompact(backend); // the cached writes reach RocksDB

      state = MeteredBackend.of(backend).metrics().states().get(0);
      assertThat(state.details()).containsEntry(RocksDbMetrics.CACHED_ENTRIES, 0L);
      assertThat(state.entries()).isEqualTo(1_000);
    }
  }

  @Test
  void metrics_ofARegisteredStateNotYetWritten_areZero() throws Exception {
    try (KeyedStateBackend<Long> backend = createMeteredBackend(null, Duration.ofSeconds(5))) {
      backend.getState(StateDescriptors.value("idle", Serializers.LONG));
      List<StateMetrics> states = MeteredBackend.of(backend).metrics().states();
      assertThat(states).allMatch(s -> s.entries() == 0 && s.bytes() == 0);
    }
  }

  @Test
  void restore_ofANativeSnapshotPlacingFiles_reportsTheBytesCopied() throws Exception {
    MemorySnapshotStore store = new MemorySnapshotStore("native-for-progress");
    try (KeyedStateBackend<Long> backend = createMeteredBackend(null, Duration.ofSeconds(5))) {
      ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG));
      for (long key = 0; key < 20_000; key++) {
        backend.setCurrentKey(key);
        count.update(key);
      }
      try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1, SnapshotMode.INCREMENTAL)) {
        snapshot.writeTo(store);
      }
    }
    List<RestoreProgress> ends = new ArrayList<>();
    RestoreListener listener = new RestoreListener() {
      @Override
      public void onRestoreEnd(RestoreProgress progress, Throwable failure) {
        assertThat(failure).isNull();
        ends.add(progress);
      }
    };
    try (KeyedStateBackend<Long> restored = createMeteredBackend(listener, Duration.ofSeconds(5))) {
      Snapshotable.of(restored).restore(List.of(store.input(NativeSnapshotMeta.FORMAT, false)));
      assertThat(ends).hasSize(1);
      assertThat(ends.get(0).bytes()).as("every stored file is read once").isEqualTo(store.bytesWritten());
      assertThat(ends.get(0).entries()).as("placed files are not counted by entry").isZero();
      restored.getState(StateDescriptors.value("count", Serializers.LONG));
      assertThat(MeteredBackend.of(restored).metrics().states().get(0).entries()).isEqualTo(20_000);
    }
  }
}
