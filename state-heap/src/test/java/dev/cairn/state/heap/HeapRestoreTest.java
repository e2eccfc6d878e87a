package dev.cairn.state.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.StateRegistrationException;
import dev.cairn.state.ValueState;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyGroups;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Restoring the heap backend: splitting, merging, restored states registered late or never. */
class HeapRestoreTest {

  private static final int MAX_PARALLELISM = KeyGroups.DEFAULT_MAX_PARALLELISM;

  @Test
  void restore_splitOverFourBackendsAndMergedBackIntoOne_givesOriginalState() {
    MemorySnapshotStore original;
    Map<String, Map<Long, Object>> expected;
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      AllKindsFixture states = new AllKindsFixture(backend);
      states.fill(400);
      Random random = new Random(7);
      for (int i = 0; i < 2000; i++) {
        states.mutate(random, 500);
      }
      expected = AllKindsFixture.dump(backend);
      original = AllKindsFixture.write(Snapshotable.of(backend).snapshot(1), "original");
    }

    List<SnapshotInput> parts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      KeyGroupRange range = KeyGroupRange.forInstance(MAX_PARALLELISM, 4, i);
      try (KeyedStateBackend<Long> part = AllKindsFixture.newBackend(range)) {
        Snapshotable.of(part).restore(List.of(original.input()));
        if (i % 2 == 0) { // half the parts register their states, half only carry them forward
          assertThat(AllKindsFixture.dump(part)).isEqualTo(inRange(expected, range));
        }
        parts.add(AllKindsFixture.write(Snapshotable.of(part).snapshot(2), "part-" + i).input());
      }
    }
    try (KeyedStateBackend<Long> merged = AllKindsFixture.newBackend()) {
      Snapshotable.of(merged).restore(parts);

      assertThat(AllKindsFixture.dump(merged)).isEqualTo(expected);
    }
  }

  @Test
  void snapshot_ofRestoredStateNeverRegistered_carriesItIntoLaterSnapshots() {
    MemorySnapshotStore first;
    Map<String, Map<Long, Object>> expected;
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      new AllKindsFixture(backend).fill(50);
      expected = AllKindsFixture.dump(backend);
      first = AllKindsFixture.write(Snapshotable.of(backend).snapshot(1), "chk-1");
    }
    MemorySnapshotStore second;
    try (KeyedStateBackend<Long> backend = AllKindsFixture.restored(first.input())) {
      ValueState<Long> value = backend.getState(AllKindsFixture.VALUE); // the only one registered
      backend.setCurrentKey(1000L);
      value.update(5L);
      expected.get("value").put(1000L, 5L);
      StateSnapshot secondSnapshot = Snapshotable.of(backend).snapshot(2);
      AllKindsFixture.dump(backend); // registers the rest after the snapshot was taken
      second = AllKindsFixture.write(secondSnapshot, "chk-2");
    }
    MemorySnapshotStore third;
    try (KeyedStateBackend<Long> backend = AllKindsFixture.restored(second.input())) {
      third = AllKindsFixture.write(Snapshotable.of(backend).snapshot(3), "chk-3");
    }

    try (KeyedStateBackend<Long> backend = AllKindsFixture.restored(third.input())) {
      assertThat(AllKindsFixture.dump(backend)).isEqualTo(expected);
    }
  }

  @Test
  void getState_withIncompatibleSerializerAfterRestore_throwsNamingStateAndKeepsRestoredData() {
    MemorySnapshotStore store = storeWithCount(3L, 41L);
    try (KeyedStateBackend<Long> backend = AllKindsFixture.restored(store.input())) {
      assertThatThrownBy(() -> backend.getState(StateDescriptors.value("count", Serializers.STRING)))
          .isInstanceOf(IncompatibleSchemaException.class)
          .hasMessageContaining("'count'");
      assertThatThrownBy(() -> backend.getState(StateDescriptors.list("count", Serializers.LONG)))
          .isInstanceOf(StateRegistrationException.class)
          .hasMessageContaining("'count'");

      ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG));
      backend.setCurrentKey(3L);
      assertThat(count.value()).isEqualTo(41L);
    }
  }

  @Test
  void restore_withOtherMaxParallelism_throwsNamingInputAndBothValues() {
    MemorySnapshotStore store = storeWithCount(1L, 1L);
    try (KeyedStateBackend<Long> backend = HeapStateBackend.builder(Serializers.LONG).maxParallelism(64).build()) {
      assertThatThrownBy(() -> Snapshotable.of(backend).restore(List.of(store.input())))
          .isInstanceOf(SnapshotException.class)
          .hasMessageContaining("count-snapshot")
          .hasMessageContaining("128")
          .hasMessageContaining("64");
    }
  }

  @Test
  void restore_sameKeyGroupsFromTwoInputs_throwsAndChangesNothing() {
    MemorySnapshotStore store = storeWithCount(1L, 1L);
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      assertThatThrownBy(() -> Snapshotable.of(backend).restore(List.of(store.input(), store.input())))
          .isInstanceOf(SnapshotException.class)
          .hasMessageContaining("key group");

      Snapshotable.of(backend).restore(List.of(store.input()));
      ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG));
      backend.setCurrentKey(1L);
      assertThat(count.value()).isEqualTo(1L);
    }
  }

  @Test
  void restore_sameSnapshotTwice_saysSo() {
    MemorySnapshotStore store = storeWithCount(1L, 1L);
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      Snapshotable.of(backend).restore(List.of(store.input()));

      assertThatThrownBy(() -> Snapshotable.of(backend).restore(List.of(store.input())))
          .isInstanceOf(SnapshotException.class)
          .hasMessageContaining("count-snapshot")
          .hasMessageContaining("restored twice");
    }
  }

  @Test
  void restore_damagedSecondInput_throwsAndChangesNothing() throws Exception {
    MemorySnapshotStore good = storeWithCount(1L, 1L);
    MemorySnapshotStore damaged = new MemorySnapshotStore("damaged");
    byte[] bytes = storeWithCount(2L, 2L).bytes("keyed-state");
    damaged.put("keyed-state", Arrays.copyOf(bytes, bytes.length - 3));
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend(KeyGroupRange.all(MAX_PARALLELISM))) {
      assertThatThrownBy(() -> Snapshotable.of(backend).restore(List.of(good.input(), damaged.input())))
          .isInstanceOf(SnapshotException.class)
          .hasMessageContaining("damaged");

      try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1)) {
        assertThat(snapshot.writeTo(new MemorySnapshotStore()).states()).isEmpty();
      }
    }
  }

  @Test
  void restore_sameStateWithOtherKindInTwoInputs_throwsNamingState() {
    KeyGroupRange lower = KeyGroupRange.forInstance(MAX_PARALLELISM, 2, 0);
    KeyGroupRange upper = KeyGroupRange.forInstance(MAX_PARALLELISM, 2, 1);
    MemorySnapshotStore asValue;
    MemorySnapshotStore asList;
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend(lower)) {
      backend.getState(StateDescriptors.value("x", Serializers.LONG));
      asValue = AllKindsFixture.write(Snapshotable.of(backend).snapshot(1), "lower");
    }
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend(upper)) {
      backend.getState(StateDescriptors.list("x", Serializers.LONG));
      asList = AllKindsFixture.write(Snapshotable.of(backend).snapshot(1), "upper");
    }
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      assertThatThrownBy(() -> Snapshotable.of(backend).restore(List.of(asValue.input(), asList.input())))
          .isInstanceOf(SnapshotException.class)
          .hasMessageContaining("'x'");
    }
  }

  @Test
  void keys_ofRestoredBackend_listsOnlyKeysInItsRange() {
    MemorySnapshotStore store;
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      new AllKindsFixture(backend).fill(200);
      store = AllKindsFixture.write(Snapshotable.of(backend).snapshot(1), "all");
    }
    KeyGroupRange range = KeyGroupRange.forInstance(MAX_PARALLELISM, 3, 1);
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend(range)) {
      Snapshotable.of(backend).restore(List.of(store.input()));
      backend.getState(AllKindsFixture.VALUE);

      List<Long> expected = new ArrayList<>();
      for (long key = 0; key < 200; key++) {
        if (range.contains(KeyGroups.assign(Serializers.LONG, key, MAX_PARALLELISM))) {
          expected.add(key);
        }
      }
      try (Stream<Long> keys = backend.keys("value")) {
        assertThat(keys).containsExactlyInAnyOrderElementsOf(expected);
      }
    }
  }

  /** A snapshot (described as "count-snapshot") of one value state "count" with one key. */
  private static MemorySnapshotStore storeWithCount(long key, long count) {
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      ValueState<Long> state = backend.getState(StateDescriptors.value("count", Serializers.LONG));
      backend.setCurrentKey(key);
      state.update(count);
      return AllKindsFixture.write(Snapshotable.of(backend).snapshot(1), "count-snapshot");
    }
  }

  /** Returns the part of a dump whose keys belong to {@code range}. */
  private static Map<String, Map<Long, Object>> inRange(Map<String, Map<Long, Object>> dump, KeyGroupRange range) {
    Map<String, Map<Long, Object>> result = new TreeMap<>();
    dump.forEach((name, perKey) -> {
      Map<Long, Object> kept = new TreeMap<>();
      perKey.forEach((key, content) -> {
        if (range.contains(KeyGroups.assign(Serializers.LONG, key, MAX_PARALLELISM))) {
          kept.put(key, content);
        }
      });
      result.put(name, kept);
    });
    return result;
  }
}
