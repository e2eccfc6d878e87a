package dev.cairn.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.BackendClosedException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.kit.QueryableStateContract;
import dev.cairn.state.query.StateView;
import dev.cairn.state.query.StateViews;
import dev.cairn.state.serde.Serializers;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;

/** The queryable-state contract with the write-back cache on (the default), and the native snapshot's release. */
class RocksDbQueryableStateTest implements QueryableStateContract {

  private static final TestDirectories DIRECTORIES = new TestDirectories("cairn-rocksdb-views-");
  private static final ValueStateDescriptor<Long> COUNT = StateDescriptors.value("count", Serializers.LONG);

  @AfterAll
  static void release() {
    DIRECTORIES.close();
  }

  @Override
  public KeyedStateBackend<Long> createQueryableBackend() {
    return RocksDbStateBackend.builder(Serializers.LONG)
        .workingDirectory(DIRECTORIES.next())
        .memoryBudget(64L << 20)
        .build();
  }

  private static long nativeSnapshots(KeyedStateBackend<Long> backend) throws RocksDBException {
    return ((RocksDbKeyedBackend<Long>) backend).db().getLongProperty("rocksdb.num-snapshots");
  }

  @Test
  void view_seesWritesStillInTheWriteBackCache() throws Exception {
    try (KeyedStateBackend<Long> backend = createQueryableBackend();
        StateViews<Long> views = StateViews.of(backend)) {
      ValueState<Long> count = backend.getState(COUNT);
      backend.setCurrentKey(1L);
      count.update(41L);
      count.update(42L); // a cached point write, not yet in RocksDB
      views.publish();
      try (StateView<Long> view = views.acquire()) {
        assertThat(view.value(COUNT, 1L)).isEqualTo(42L);
      }
    }
  }

  @Test
  void nativeSnapshot_isReleased_whenTheViewIsSupersededAndClosed_orExpired() throws Exception {
    try (KeyedStateBackend<Long> backend = createQueryableBackend();
        StateViews<Long> views = StateViews.builder(backend)
            .maxStaleness(Duration.ofMillis(50)).maxLifetime(Duration.ofMillis(300)).build()) {
      ValueState<Long> count = backend.getState(COUNT);
      backend.setCurrentKey(1L);
      count.update(1L);
      views.publish();
      StateView<Long> first = views.acquire();
      views.publish();
      assertThat(nativeSnapshots(backend)).isEqualTo(2);
      first.close();
      assertThat(nativeSnapshots(backend)).as("superseded and closed").isEqualTo(1);
      Thread.sleep(200);
      assertThat(nativeSnapshots(backend)).as("older than the staleness and not in use").isZero();

      views.publish();
      StateView<Long> forgotten = views.acquire();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (nativeSnapshots(backend) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(nativeSnapshots(backend)).as("released by the lifetime timer although still open").isZero();
      forgotten.close();
    }
  }

  @Test
  void largeMapAndManyKeys_areReadInBatches_atTheViewsPointInTime() throws Exception {
    MapStateDescriptor<Integer, Long> descriptor = StateDescriptors.map("map", Serializers.INT, Serializers.LONG);
    try (KeyedStateBackend<Long> backend = createQueryableBackend();
        StateViews<Long> views = StateViews.of(backend)) {
      MapState<Integer, Long> map = backend.getState(descriptor);
      for (long key = 0; key < 1_000; key++) {
        backend.setCurrentKey(key);
        map.put(0, key);
        map.put(1, key);
      }
      backend.setCurrentKey(7L);
      for (int entry = 0; entry < 1_000; entry++) {
        map.put(entry, (long) entry);
      }
      views.publish();
      try (StateView<Long> view = views.acquire()) {
        for (long key = 1_000; key < 2_000; key++) {
          backend.setCurrentKey(key);
          map.put(0, key);
        }
        backend.setCurrentKey(7L);
        map.clear();
        assertThat(view.keys("map").count()).isEqualTo(1_000);
        assertThat(view.entries(descriptor, 7L).map(e -> e.getKey()).sorted().toList())
            .isEqualTo(IntStream.range(0, 1_000).boxed().toList());
        assertThat(view.keys("map", 500L, 700L).count()).isEqualTo(200);
      }
    }
  }

  @Test
  void view_afterTheBackendIsClosed_failsWithBackendClosed() throws Exception {
    KeyedStateBackend<Long> backend = createQueryableBackend();
    try (StateViews<Long> views = StateViews.of(backend)) {
      backend.getState(COUNT);
      views.publish();
      StateView<Long> view = views.acquire();
      backend.close();
      assertThatThrownBy(() -> view.value(COUNT, 1L)).isInstanceOf(BackendClosedException.class);
      assertThatThrownBy(() -> view.keys("count").toList()).isInstanceOf(BackendClosedException.class);
      view.close();
    }
  }
}
