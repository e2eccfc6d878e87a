package dev.cairn.state.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.SerializationException;
import dev.cairn.state.StateKind;
import dev.cairn.state.ValueState;
import dev.cairn.state.metrics.BackendMetrics;
import dev.cairn.state.metrics.MeteredBackend;
import dev.cairn.state.metrics.MigrationProgress;
import dev.cairn.state.metrics.RestoreListener;
import dev.cairn.state.metrics.RestoreProgress;
import dev.cairn.state.metrics.StateMetrics;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The figures every backend reports ({@link MeteredBackend}) and its restore progress ({@link
 * RestoreListener}). Not part of {@link ConformanceKit}: a backend implements it with its own factory,
 * which passes the listener to the builder. Entries are checked on value state, where heap and RocksDB
 * count alike (one per key).
 */
public interface MetricsContract {

  /**
   * Creates a new, empty backend of {@code Long} keys whose restores report to {@code listener} at
   * least every {@code progressInterval}. The test closes it.
   */
  KeyedStateBackend<Long> createMeteredBackend(RestoreListener listener, Duration progressInterval);

  /** Puts {@code keys} distinct keys into value state "count". */
  private static void fill(KeyedStateBackend<Long> backend, int keys) {
    ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG));
    for (long key = 0; key < keys; key++) {
      backend.setCurrentKey(key);
      count.update(key);
    }
  }

  private static StateMetrics count(KeyedStateBackend<Long> backend) {
    List<StateMetrics> states = MeteredBackend.of(backend).metrics().states();
    assertThat(states).extracting(StateMetrics::name).containsExactly("count");
    return states.get(0);
  }

  @Test
  default void metrics_afterNPuts_countNEntries() throws Exception {
    try (KeyedStateBackend<Long> backend = createMeteredBackend(null, Duration.ofSeconds(5))) {
      assertThat(MeteredBackend.of(backend).metrics().states()).isEmpty();
      fill(backend, 5_000);
      StateMetrics count = count(backend);
      assertThat(count.kind()).isEqualTo(StateKind.VALUE);
      assertThat(count.entries()).isEqualTo(5_000);
    }
  }

  @Test
  default void metrics_afterAWrittenSnapshot_estimateBytesAtLeastTheStoredValues() throws Exception {
    try (KeyedStateBackend<Long> backend = createMeteredBackend(null, Duration.ofSeconds(5))) {
      fill(backend, 5_000);
      try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1)) {
        snapshot.writeTo(new MemorySnapshotStore());
      }
      assertThat(count(backend).bytes()).isGreaterThanOrEqualTo(5_000 * 8L);
    }
  }

  @Test
  default void metrics_readByAnotherThreadWhileTheTaskThreadWrites_neverFailAndEndAtTheCount() throws Exception {
    try (KeyedStateBackend<Long> backend = createMeteredBackend(null, Duration.ofSeconds(5))) {
      ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG));
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Long> seen = new ArrayList<>();
      Thread reader = new Thread(() -> {
        try {
          while (!done.get()) {
            for (StateMetrics state : MeteredBackend.of(backend).metrics().states()) {
              seen.add(state.entries());
            }
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      reader.start();
      for (long key = 0; key < 50_000; key++) {
        backend.setCurrentKey(key);
        count.update(key);
      }
      done.set(true);
      reader.join();
      assertThat(failure.get()).isNull();
      assertThat(seen).isNotEmpty().allMatch(entries -> entries >= 0 && entries <= 50_000);
      assertThat(count(backend).entries()).isEqualTo(50_000);
    }
  }

  @Test
  default void metrics_afterClose_haveNoStates() throws Exception {
    KeyedStateBackend<Long> backend = createMeteredBackend(null, Duration.ofSeconds(5));
    fill(backend, 10);
    backend.close();
    assertThat(MeteredBackend.of(backend).metrics().states()).isEmpty();
  }

  @Test
  default void restore_reportsStartProgressAndEnd_withEveryEntryAndByte() throws Exception {
    MemorySnapshotStore store = new MemorySnapshotStore("snapshot-for-progress");
    try (KeyedStateBackend<Long> backend = createMeteredBackend(null, Duration.ofSeconds(5))) {
      fill(backend, 20_000);
      try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1)) {
        snapshot.writeTo(store);
      }
    }
    List<String> events = new ArrayList<>();
    List<RestoreProgress> progress = new ArrayList<>();
    AtomicReference<RestoreProgress> end = new AtomicReference<>();
    RestoreListener listener = new RestoreListener() {
      @Override
      public void onRestoreStart(RestoreProgress p) {
        events.add("start");
        assertThat(p.entries()).isZero();
      }

      @Override
      public void onRestoreProgress(RestoreProgress p) {
        events.add("progress");
        progress.add(p);
      }

      @Override
      public void onRestoreEnd(RestoreProgress p, Throwable failure) {
        events.add(failure == null ? "end" : "failed");
        end.set(p);
      }
    };
    try (KeyedStateBackend<Long> restored = createMeteredBackend(listener, Duration.ofNanos(1))) {
      Snapshotable.of(restored).restore(List.of(store.input()));
      assertThat(events.get(0)).isEqualTo("start");
      assertThat(events.get(events.size() - 1)).isEqualTo("end");
      assertThat(progress).as("progress calls while 20,000 entries load").isNotEmpty();
      for (int i = 1; i < progress.size(); i++) {
        assertThat(progress.get(i).entries()).isGreaterThanOrEqualTo(progress.get(i - 1).entries());
        assertThat(progress.get(i).bytes()).isGreaterThanOrEqualTo(progress.get(i - 1).bytes());
      }
      RestoreProgress total = end.get();
      assertThat(total.entries()).isEqualTo(20_000);
      assertThat(total.bytes()).isEqualTo(store.bytesWritten());
      assertThat(total.snapshots()).contains("snapshot-for-progress");
      assertThat(total.entriesPerSecond()).isPositive();
      BackendMetrics metrics = MeteredBackend.of(restored).metrics();
      assertThat(metrics.lastRestore()).isEqualTo(total);
      fill(restored, 0); // registers the restored state
      assertThat(count(restored).entries()).isEqualTo(20_000);
    }
  }

  @Test
  default void migration_reportsStartProgressPerPassAndEnd_andFailuresToo() throws Exception {
    MemorySnapshotStore store = new MemorySnapshotStore("snapshot-to-migrate");
    try (KeyedStateBackend<Long> backend = createMeteredBackend(null, Duration.ofSeconds(5))) {
      fill(backend, 20_000);
      try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1)) {
        snapshot.writeTo(store);
      }
    }
    List<String> events = new ArrayList<>();
    List<MigrationProgress> progress = new ArrayList<>();
    AtomicReference<MigrationProgress> end = new AtomicReference<>();
    AtomicReference<Throwable> endFailure = new AtomicReference<>();
    RestoreListener listener = new RestoreListener() {
      @Override
      public void onMigrationStart(MigrationProgress p) {
        events.add("start " + p.state());
        assertThat(p.entries()).isZero();
      }

      @Override
      public void onMigrationProgress(MigrationProgress p) {
        progress.add(p);
      }

      @Override
      public void onMigrationEnd(MigrationProgress p, Throwable failure) {
        events.add(failure == null ? "end" : "failed");
        end.set(p);
        endFailure.set(failure);
      }
    };
    try (KeyedStateBackend<Long> restored = createMeteredBackend(listener, Duration.ofNanos(1))) {
      Snapshotable.of(restored).restore(List.of(store.input()));
      TypeSerializer<Long> failing = Serializers.migrating("fails", Serializers.LONG, Serializers.LONG, v -> {
        if (v == 19_999) {
          throw new IllegalArgumentException("no");
        }
        return v;
      });
      assertThatThrownBy(() -> restored.getState(StateDescriptors.value("count", failing)))
          .isInstanceOf(SerializationException.class);
      assertThat(events).containsExactly("start count", "failed");
      assertThat(endFailure.get()).isNotNull().hasMessageContaining("key '19999'");
      events.clear();
      progress.clear();

      restored.getState(StateDescriptors.value("count",
          Serializers.migrating("doubled", Serializers.LONG, Serializers.LONG, v -> 2 * v)));

      assertThat(events).containsExactly("start count", "end");
      assertThat(progress).as("progress calls while 20,000 entries migrate").isNotEmpty()
          .allSatisfy(p -> {
            assertThat(p.state()).isEqualTo("count");
            assertThat(p.reason()).contains("migration 'doubled'");
            assertThat(p.entries()).isBetween(1L, 20_000L);
          });
      assertThat(end.get().pass()).isEqualTo("done");
      assertThat(end.get().entries()).isEqualTo(20_000);
      assertThat(end.get().entriesPerSecond()).isPositive();
      assertThat(endFailure.get()).isNull();
    }
  }
}
