package dev.cairn.state.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Incremental snapshots of the heap backend: deltas, what they cover, compaction, and their cost. */
class HeapIncrementalSnapshotTest {

  private static final String FORMAT = HeapIncrementalFormat.FORMAT;

  @Test
  void restore_chainOfBaseAndDeltas_givesLiveStateOfAllKinds() {
    // heavy changes: a high size ratio keeps the chain from being compacted
    try (KeyedStateBackend<Long> backend =
        HeapStateBackend.builder(Serializers.LONG).incrementalMaxDeltaRatio(10).build()) {
      AllKindsFixture states = new AllKindsFixture(backend);
      IncrementalChain chain = new IncrementalChain(backend);
      states.fill(300);
      Random random = new Random(11);
      ValueState<String> late;
      for (long id = 1; id <= 6; id++) {
        if (id > 1) {
          for (int i = 0; i < 400; i++) {
            states.mutate(random, 400);
          }
          clearAll(states, id); // deleted: every state of the key cleared
          clearAll(states, 100 + id);
          states.backend.setCurrentKey(100 + id); // ... and re-created in the same checkpoint
          states.list.add(id);
          states.map.put("again", null);
          states.value.update(-id);
          clearAll(states, 200 + id - 1); // re-created: cleared in the previous checkpoint
          states.backend.setCurrentKey(200 + id - 1);
          states.sum.add(id);
          states.aggregate.add(id);
        }
        if (id == 3) { // a state registered after the base
          late = backend.getState(StateDescriptors.value("late", Serializers.STRING));
          backend.setCurrentKey(5L);
          late.update("five");
        }
        Map<String, Map<Long, Object>> expected = AllKindsFixture.dump(backend);

        MemorySnapshotStore store = chain.checkpoint(id);

        assertThat(chain.lastResult.format()).isEqualTo(FORMAT);
        assertThat(store.streamNames()).containsExactlyInAnyOrderElementsOf(chainNames((int) id - 1));
        try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(IncrementalChain.input(store, false))) {
          assertThat(AllKindsFixture.dump(restored)).isEqualTo(expected);
          if (id >= 3) {
            ValueState<String> restoredLate = restored.getState(StateDescriptors.value("late", Serializers.STRING));
            restored.setCurrentKey(5L);
            assertThat(restoredLate.value()).isEqualTo("five");
          }
        }
      }
    }
  }

  @Test
  void writeTo_deltaWrittenWhileStateChanges_holdsStateAtSnapshot() throws Exception {
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      AllKindsFixture states = new AllKindsFixture(backend);
      IncrementalChain chain = new IncrementalChain(backend);
      states.fill(200);
      chain.checkpoint(1);
      Random random = new Random(3);
      for (int i = 0; i < 1000; i++) {
        states.mutate(random, 250);
      }
      StateSnapshot snapshot = chain.snapshot(2);
      Map<String, Map<Long, Object>> atSnapshot = AllKindsFixture.dump(backend);
      for (int i = 0; i < 1000; i++) {
        states.mutate(random, 250);
      }

      Future<MemorySnapshotStore> written = writer.submit(() -> chain.write(snapshot));
      while (!written.isDone()) {
        states.mutate(random, 250);
      }

      try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(IncrementalChain.input(written.get(), false))) {
        assertThat(AllKindsFixture.dump(restored)).isEqualTo(atSnapshot);
      }
    } finally {
      writer.shutdownNow();
      assertThat(writer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void snapshot_onePercentOfKeysChanged_writesDeltaOfAtMostFivePercentOfBase() {
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      AllKindsFixture states = new AllKindsFixture(backend);
      IncrementalChain chain = new IncrementalChain(backend);
      states.fill(100_000);
      MemorySnapshotStore base = chain.checkpoint(1);
      changeKeys(states, 100_000, 1_000, new Random(5));

      MemorySnapshotStore delta = chain.checkpoint(2);

      assertThat(delta.streamNames()).contains("delta-1");
      assertThat(delta.bytesWritten()).isLessThanOrEqualTo(base.bytesWritten() / 20);
    }
  }

  @Test
  void snapshot_sameChangesOnTenTimesTheKeys_writesDeltaOfAboutTheSameSize() {
    long[] baseBytes = new long[2];
    long[] deltaBytes = new long[2];
    int[] sizes = {10_000, 100_000};
    for (int i = 0; i < 2; i++) {
      try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
        AllKindsFixture states = new AllKindsFixture(backend);
        IncrementalChain chain = new IncrementalChain(backend);
        states.fill(sizes[i]);
        baseBytes[i] = chain.checkpoint(1).bytesWritten();
        changeKeys(states, sizes[i], 500, new Random(9));
        deltaBytes[i] = chain.checkpoint(2).bytesWritten();
      }
    }

    assertThat(baseBytes[1]).isGreaterThan(8 * baseBytes[0]);
    assertThat((double) deltaBytes[1] / deltaBytes[0]).isBetween(0.8, 1.25);
  }

  @Test
  void snapshot_afterAbortedCheckpoint_nextDeltaHoldsItsChanges() {
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      AllKindsFixture states = new AllKindsFixture(backend);
      IncrementalChain chain = new IncrementalChain(backend);
      states.fill(100);
      chain.checkpoint(1);
      backend.setCurrentKey(1L);
      states.value.update(111L);
      states.map.remove("a1");
      backend.setCurrentKey(3L);
      states.list.clear();
      MemorySnapshotStore aborted = chain.write(chain.snapshot(2));
      chain.abort(2);
      backend.setCurrentKey(2L);
      states.value.update(222L);
      Map<String, Map<Long, Object>> expected = AllKindsFixture.dump(backend);

      MemorySnapshotStore store = chain.checkpoint(3);

      assertThat(aborted.streamNames()).contains("delta-1");
      assertThat(store.streamNames()).containsExactlyInAnyOrderElementsOf(chainNames(1)); // 2 is not referenced
      try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(IncrementalChain.input(store, false))) {
        assertThat(AllKindsFixture.dump(restored)).isEqualTo(expected);
      }
    }
  }

  @Test
  void snapshot_twoInFlightNewerCompletesFirst_nextDeltaChainsOnNewerAndHoldsEverything() {
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      AllKindsFixture states = new AllKindsFixture(backend);
      IncrementalChain chain = new IncrementalChain(backend);
      Random random = new Random(17);
      states.fill(200);
      chain.checkpoint(1);
      mutate(states, random, 300);
      StateSnapshot second = chain.snapshot(2);
      mutate(states, random, 300);
      StateSnapshot third = chain.snapshot(3);
      Map<String, Map<Long, Object>> atThird = AllKindsFixture.dump(backend);
      MemorySnapshotStore thirdStore = chain.write(third);
      chain.write(second);
      chain.complete(3);
      chain.abort(2); // overtaken
      mutate(states, random, 300);
      Map<String, Map<Long, Object>> expected = AllKindsFixture.dump(backend);

      MemorySnapshotStore fourthStore = chain.checkpoint(4);

      assertThat(thirdStore.streamNames()).containsExactlyInAnyOrderElementsOf(chainNames(1));
      assertThat(fourthStore.streamNames()).containsExactlyInAnyOrderElementsOf(chainNames(2));
      assertThat(fourthStore.bytes("delta-1")).isEqualTo(thirdStore.bytes("delta-1"));
      try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(IncrementalChain.input(thirdStore, false))) {
        assertThat(AllKindsFixture.dump(restored)).isEqualTo(atThird);
      }
      try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(IncrementalChain.input(fourthStore, false))) {
        assertThat(AllKindsFixture.dump(restored)).isEqualTo(expected);
      }
    }
  }

  @Test
  void snapshot_twoInFlightOlderCompletesFirst_eachDeltaCoversItsOwnChanges() {
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      AllKindsFixture states = new AllKindsFixture(backend);
      IncrementalChain chain = new IncrementalChain(backend);
      Random random = new Random(19);
      states.fill(200);
      chain.checkpoint(1);
      mutate(states, random, 300);
      StateSnapshot second = chain.snapshot(2);
      mutate(states, random, 300);
      StateSnapshot third = chain.snapshot(3);
      Map<String, Map<Long, Object>> atThird = AllKindsFixture.dump(backend);
      chain.write(second);
      MemorySnapshotStore thirdStore = chain.write(third);
      chain.complete(2);
      chain.complete(3);
      mutate(states, random, 300);
      Map<String, Map<Long, Object>> expected = AllKindsFixture.dump(backend);

      MemorySnapshotStore fourthStore = chain.checkpoint(4);

      try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(IncrementalChain.input(thirdStore, false))) {
        assertThat(AllKindsFixture.dump(restored)).isEqualTo(atThird);
      }
      try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(IncrementalChain.input(fourthStore, false))) {
        assertThat(AllKindsFixture.dump(restored)).isEqualTo(expected);
      }
    }
  }

  @Test
  void snapshot_chainWithMaxDeltas_writesNewBaseAndRestoresExactly() {
    try (KeyedStateBackend<Long> backend = HeapStateBackend.builder(Serializers.LONG).incrementalMaxDeltas(3).build()) {
      AllKindsFixture states = new AllKindsFixture(backend);
      IncrementalChain chain = new IncrementalChain(backend);
      Random random = new Random(23);
      states.fill(200);
      MemorySnapshotStore firstBase = chain.checkpoint(1);
      for (long id = 2; id <= 4; id++) {
        mutate(states, random, 100);
        assertThat(chain.checkpoint(id).streamNames()).containsExactlyInAnyOrderElementsOf(chainNames((int) id - 1));
      }
      mutate(states, random, 100);
      Map<String, Map<Long, Object>> atCompaction = AllKindsFixture.dump(backend);

      MemorySnapshotStore compacted = chain.checkpoint(5);
      mutate(states, random, 100);
      Map<String, Map<Long, Object>> expected = AllKindsFixture.dump(backend);
      MemorySnapshotStore afterCompaction = chain.checkpoint(6);

      assertThat(compacted.streamNames()).containsExactlyInAnyOrderElementsOf(chainNames(0));
      assertThat(compacted.bytes("base")).isNotEqualTo(firstBase.bytes("base"));
      assertThat(afterCompaction.streamNames()).containsExactlyInAnyOrderElementsOf(chainNames(1));
      assertThat(afterCompaction.bytes("base")).isEqualTo(compacted.bytes("base"));
      try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(IncrementalChain.input(compacted, false))) {
        assertThat(AllKindsFixture.dump(restored)).isEqualTo(atCompaction);
      }
      try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(IncrementalChain.input(afterCompaction, false))) {
        assertThat(AllKindsFixture.dump(restored)).isEqualTo(expected);
      }
    }
  }

  @Test
  void snapshot_deltasAboveSizeRatioOfBase_writesNewBase() {
    try (KeyedStateBackend<Long> backend =
        HeapStateBackend.builder(Serializers.LONG).incrementalMaxDeltaRatio(0.2).build()) {
      AllKindsFixture states = new AllKindsFixture(backend);
      IncrementalChain chain = new IncrementalChain(backend);
      states.fill(1000);
      chain.checkpoint(1);
      changeKeys(states, 1000, 50, new Random(1)); // 5% of the keys: below the ratio
      MemorySnapshotStore small = chain.checkpoint(2);
      states.fill(300); // every state of 30% of the keys: above it
      MemorySnapshotStore large = chain.checkpoint(3);
      backend.setCurrentKey(1L);
      states.value.update(-1L);
      Map<String, Map<Long, Object>> expected = AllKindsFixture.dump(backend);

      MemorySnapshotStore compacted = chain.checkpoint(4);

      assertThat(small.streamNames()).containsExactlyInAnyOrderElementsOf(chainNames(1));
      assertThat(large.streamNames()).containsExactlyInAnyOrderElementsOf(chainNames(2));
      assertThat(compacted.streamNames()).containsExactlyInAnyOrderElementsOf(chainNames(0));
      try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(IncrementalChain.input(compacted, false))) {
        assertThat(AllKindsFixture.dump(restored)).isEqualTo(expected);
      }
    }
  }

  @Test
  void snapshot_neverIncremental_tracksNoChanges() {
    HeapKeyedStateBackend<Long> backend = (HeapKeyedStateBackend<Long>) AllKindsFixture.newBackend();
    try (backend) {
      AllKindsFixture states = new AllKindsFixture(backend);
      states.fill(100);
      for (long id = 1; id <= 3; id++) {
        mutate(states, new Random(id), 200);
        AllKindsFixture.write(backend.snapshot(id, SnapshotMode.CANONICAL), "chk-" + id);
        backend.notifyCheckpointComplete(id);
      }
      assertThat(backend.tracksChanges()).isFalse();
      assertThat(backend.dirtyKeyCount()).isZero();

      new IncrementalChain(backend).checkpoint(4);
      assertThat(backend.tracksChanges()).isTrue();
      assertThat(backend.dirtyKeyCount()).isZero();
      backend.setCurrentKey(1L);
      states.value.update(5L);
      states.list.add(5L); // in place
      states.map.put("x", 5L); // in place
      backend.setCurrentKey(2L);
      states.sum.add(1L);
      assertThat(backend.dirtyKeyCount()).isEqualTo(4);
    }
  }

  @Test
  void canonicalSnapshot_whileTrackingChanges_leavesTheChainAlone() {
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      AllKindsFixture states = new AllKindsFixture(backend);
      IncrementalChain chain = new IncrementalChain(backend);
      Random random = new Random(29);
      states.fill(100);
      chain.checkpoint(1);
      mutate(states, random, 100);
      MemorySnapshotStore savepoint = AllKindsFixture.write(Snapshotable.of(backend).snapshot(2), "savepoint");
      Snapshotable.of(backend).notifyCheckpointComplete(2);
      mutate(states, random, 100);
      Map<String, Map<Long, Object>> expected = AllKindsFixture.dump(backend);

      MemorySnapshotStore store = chain.checkpoint(3);

      assertThat(savepoint.streamNames()).containsExactly("keyed-state");
      assertThat(store.streamNames()).containsExactlyInAnyOrderElementsOf(chainNames(1));
      try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(IncrementalChain.input(store, false))) {
        assertThat(AllKindsFixture.dump(restored)).isEqualTo(expected);
      }
    }
  }

  @Test
  void builder_incrementalOptionSetTwiceOrInvalid_failsFast() {
    HeapStateBackend.Builder<Long> builder = HeapStateBackend.builder(Serializers.LONG);
    builder.incrementalMaxDeltas(2).incrementalMaxDeltaRatio(1.5);

    assertThatThrownBy(() -> builder.incrementalMaxDeltas(3)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> builder.incrementalMaxDeltaRatio(1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> HeapStateBackend.builder(Serializers.LONG).incrementalMaxDeltas(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeapStateBackend.builder(Serializers.LONG).incrementalMaxDeltaRatio(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeapStateBackend.builder(Serializers.LONG).incrementalMaxDeltaRatio(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** The entries of a snapshot whose chain has {@code deltas} deltas. */
  static List<String> chainNames(int deltas) {
    List<String> names = new java.util.ArrayList<>(List.of("base", "chain"));
    for (int i = 1; i <= deltas; i++) {
      names.add("delta-" + i);
    }
    return names;
  }

  static void mutate(AllKindsFixture states, Random random, int count) {
    for (int i = 0; i < count; i++) {
      states.mutate(random, 300);
    }
  }

  /** Updates the value state of {@code count} distinct random keys below {@code keys}. */
  private static void changeKeys(AllKindsFixture states, int keys, int count, Random random) {
    random.ints(0, keys).distinct().limit(count).forEach(key -> {
      states.backend.setCurrentKey((long) key);
      states.value.update(-1L - key);
    });
  }

  private static void clearAll(AllKindsFixture states, long key) {
    states.backend.setCurrentKey(key);
    states.value.clear();
    states.bytes.clear();
    states.list.clear();
    states.map.clear();
    states.sum.clear();
    states.aggregate.clear();
  }
}
