package dev.cairn.state.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.StateRegistrationException;
import dev.cairn.state.ValueState;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyGroups;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateMetaInfo;
import dev.cairn.state.spi.StateSnapshot;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Snapshots in the canonical format: round trips, isolation from later writes (also while written
 * on another thread), splitting and merging by key group, schema and format checks, damage.
 */
public interface SnapshotContract extends KitSupport {

  String STREAM = KeyedSnapshotFormat.STREAM_NAME;

  private static Map<String, Map<Object, Object>> filterByKeyGroup(
      Map<String, Map<Object, Object>> contents, KeyGroupRange range) {
    Map<String, Map<Object, Object>> filtered = new HashMap<>();
    contents.forEach(
        (name, perKey) -> {
          Map<Object, Object> kept = new HashMap<>();
          perKey.forEach(
              (key, content) -> {
                if (range.contains(KeyGroups.assign(Serializers.LONG, (Long) key, 128))) {
                  kept.put(key, content);
                }
              });
          filtered.put(name, kept);
        });
    return filtered;
  }

  private KeyedStateBackend<Long> filledBackend(int keys) {
    KeyedStateBackend<Long> backend = backend();
    new AllKinds(backend).fill(0, keys);
    return backend;
  }

  @Test
  default void snapshot_allKinds_roundTripIntoFreshBackend() {
    KeyedStateBackend<Long> backend = filledBackend(200);
    Map<String, Map<Object, Object>> expected = contents(backend, AllKinds.ALL);

    KeyedStateBackend<Long> restored = restored(backend, snapshotOf(backend).input());

    assertThat(contents(restored, AllKinds.ALL)).isEqualTo(expected);
    assertThat(expected.get("list-state")).hasSize(200);
  }

  @Test
  default void snapshot_stateChangedAfterSynchronousPart_writesStateAtSnapshotTime() {
    KeyedStateBackend<Long> backend = filledBackend(50);
    Map<String, Map<Object, Object>> expected = contents(backend, AllKinds.ALL);
    AllKinds states = new AllKinds(backend);

    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(3)) {
      for (long key = 0; key < 60; key++) {
        backend.setCurrentKey(key);
        switch ((int) (key % 4)) {
          case 0 -> {
            states.value.update("changed");
            states.list.add(99L);
            states.map.put(5, "new");
            states.reducing.add(100L);
            states.aggregating.add(100);
          }
          case 1 -> {
            states.value.clear();
            states.list.update(List.of(7L));
            states.map.remove((int) key);
            states.reducing.clear();
            states.aggregating.clear();
          }
          case 2 -> {
            states.list.clear();
            var it = states.map.iterator();
            if (it.hasNext()) {
              it.next();
              it.remove();
            }
            states.map.clear();
          }
          default -> {
            states.map.putAll(Map.of(1, "one", 2, "two"));
            states.list.addAll(List.of(1L, 2L));
          }
        }
      }
      assertThat(contents(backend, AllKinds.ALL)).isNotEqualTo(expected);

      MemorySnapshotStore store = write(snapshot);

      assertThat(contents(restored(backend, store.input()), AllKinds.ALL)).isEqualTo(expected);
    }
  }

  @Test
  default void snapshot_writtenOnOtherThreadWhileTaskThreadMutates_writesStateAtSnapshotTime()
      throws Exception {
    KeyedStateBackend<Long> backend = filledBackend(2_000);
    AllKinds states = new AllKinds(backend);
    Random random = new Random(42);
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(5)) {
      Map<String, Map<Object, Object>> expected = contents(backend, AllKinds.ALL);

      Future<MemorySnapshotStore> written = writer.submit(() -> write(snapshot));
      int ops = 0;
      while (!written.isDone() || ops < 20_000) {
        states.mutate(random, 3_000);
        ops++;
      }

      KeyedStateBackend<Long> restored = restored(backend, written.get().input());
      assertThat(contents(restored, AllKinds.ALL)).isEqualTo(expected);
    } finally {
      writer.shutdownNow();
    }
  }

  @Test
  default void snapshot_twoOpenSnapshotsWrittenInReverseOrder_eachShowsItsOwnTime() {
    KeyedStateBackend<Long> backend = filledBackend(100);
    AllKinds states = new AllKinds(backend);
    Random random = new Random(7);
    StateSnapshot first = Snapshotable.of(backend).snapshot(1);
    Map<String, Map<Object, Object>> atFirst = contents(backend, AllKinds.ALL);
    for (int i = 0; i < 500; i++) {
      states.mutate(random, 150);
    }
    StateSnapshot second = Snapshotable.of(backend).snapshot(2);
    Map<String, Map<Object, Object>> atSecond = contents(backend, AllKinds.ALL);
    for (int i = 0; i < 500; i++) {
      states.mutate(random, 150);
    }

    MemorySnapshotStore secondStore = write(second);
    second.close();
    MemorySnapshotStore firstStore = write(first);
    first.close();

    assertThat(contents(restored(backend, firstStore.input()), AllKinds.ALL)).isEqualTo(atFirst);
    assertThat(contents(restored(backend, secondStore.input()), AllKinds.ALL)).isEqualTo(atSecond);
  }

  @Test
  default void snapshot_closedWithoutWriting_backendKeepsWorking() {
    KeyedStateBackend<Long> backend = filledBackend(10);
    AllKinds states = new AllKinds(backend);

    Snapshotable.of(backend).snapshot(1).close();
    states.fill(10, 20);

    assertThat(contents(restored(backend, snapshotOf(backend).input()), AllKinds.ALL))
        .isEqualTo(contents(backend, AllKinds.ALL));
  }

  @Test
  default void snapshot_checkpointId_reported() {
    KeyedStateBackend<Long> backend = backend();

    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(42)) {
      assertThat(snapshot.checkpointId()).isEqualTo(42);
    }
  }

  @Test
  default void writeTo_result_reportsCanonicalStreamStatesAndEntryCount() throws Exception {
    KeyedStateBackend<Long> backend = filledBackend(3);

    SnapshotResult result;
    MemorySnapshotStore store = new MemorySnapshotStore();
    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1)) {
      result = snapshot.writeTo(store);
    }

    assertThat(result.streamNames()).contains(STREAM);
    assertThat(store.streamNames()).containsAll(result.streamNames());
    assertThat(result.states())
        .containsExactlyInAnyOrderElementsOf(Arrays.stream(AllKinds.ALL).map(StateMetaInfo::of).toList());
    // 3 keys: value 3, list 3, map 6 (two entries each), reducing 3, aggregating 3
    assertThat(result.entryCount()).isEqualTo(18);
  }

  @Test
  default void writeTo_twice_throwsIllegalState() {
    KeyedStateBackend<Long> backend = filledBackend(3);

    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1)) {
      write(snapshot);
      assertThatThrownBy(() -> snapshot.writeTo(new MemorySnapshotStore()))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  default void writeTo_afterClose_throwsIllegalState() {
    KeyedStateBackend<Long> backend = filledBackend(3);
    StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1);

    snapshot.close();

    assertThatThrownBy(() -> snapshot.writeTo(new MemorySnapshotStore()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  default void restore_splitIntoFourRangesAndMergedBack_equalsOriginal() {
    KeyedStateBackend<Long> original = filledBackend(1_000);
    Map<String, Map<Object, Object>> expected = contents(original, AllKinds.ALL);
    SnapshotInput whole = snapshotOf(original).input();

    SnapshotInput[] parts = new SnapshotInput[4];
    for (int i = 0; i < 4; i++) {
      KeyGroupRange range = KeyGroupRange.forInstance(128, 4, i);
      KeyedStateBackend<Long> part = restored(Serializers.LONG, 128, range, whole);
      assertThat(contents(part, AllKinds.ALL)).as("part %d", i).isEqualTo(filterByKeyGroup(expected, range));
      parts[i] = snapshotOf(part).input();
    }
    KeyedStateBackend<Long> merged = restored(Serializers.LONG, 128, KeyGroupRange.all(128), parts);

    assertThat(contents(merged, AllKinds.ALL)).isEqualTo(expected);
  }

  @Test
  default void restore_otherMaxParallelism_throwsSnapshotException() {
    KeyedStateBackend<Long> backend = filledBackend(10);
    SnapshotInput input = snapshotOf(backend).input();
    KeyedStateBackend<Long> other = backend(Serializers.LONG, 256, KeyGroupRange.all(256));

    assertThatThrownBy(() -> Snapshotable.of(other).restore(List.of(input))).isInstanceOf(SnapshotException.class);
  }

  @Test
  default void restore_otherKeySerializer_throwsIncompatibleSchema() {
    KeyedStateBackend<Long> backend = filledBackend(10);
    SnapshotInput input = snapshotOf(backend).input();
    KeyedStateBackend<String> other = backend(Serializers.STRING);

    assertThatThrownBy(() -> Snapshotable.of(other).restore(List.of(input))).isInstanceOf(IncompatibleSchemaException.class);
  }

  @Test
  default void getState_restoredWithIncompatibleValueSerializer_throwsIncompatibleSchemaNamingState() {
    KeyedStateBackend<Long> backend = filledBackend(10);
    KeyedStateBackend<Long> restored = restored(backend, snapshotOf(backend).input());

    assertThatThrownBy(() -> restored.getState(StateDescriptors.value("value-state", Serializers.LONG)))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("value-state")
        .hasMessageContaining("register the state with the serializer it was written with"); // what to do
    assertThatThrownBy(() -> restored.getState(StateDescriptors.list("list-state", Serializers.STRING)))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("list-state");
  }

  @Test
  default void getState_restoredWithIncompatibleMapKeySerializer_throwsIncompatibleSchemaNamingState() {
    KeyedStateBackend<Long> backend = filledBackend(10);
    KeyedStateBackend<Long> restored = restored(backend, snapshotOf(backend).input());

    assertThatThrownBy(
            () -> restored.getState(StateDescriptors.map("map-state", Serializers.STRING, Serializers.STRING)))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("map-state");
  }

  @Test
  default void getState_restoredAsOtherKind_throwsStateRegistrationNamingState() {
    KeyedStateBackend<Long> backend = filledBackend(10);
    KeyedStateBackend<Long> restored = restored(backend, snapshotOf(backend).input());

    assertThatThrownBy(() -> restored.getState(StateDescriptors.list("value-state", Serializers.STRING)))
        .isInstanceOf(StateRegistrationException.class)
        .hasMessageContaining("value-state");
  }

  @Test
  default void restore_flippedMagicVersionOrTrailerByte_throwsSnapshotException() {
    KeyedStateBackend<Long> backend = filledBackend(20);
    byte[] bytes = snapshotOf(backend).bytes(STREAM);

    for (int position : new int[] {0, 5, bytes.length - 1}) {
      byte[] damaged = bytes.clone();
      damaged[position] ^= 0x40;
      MemorySnapshotStore store = new MemorySnapshotStore("damaged at " + position);
      store.put(STREAM, damaged);
      KeyedStateBackend<Long> target = backend();

      assertThatThrownBy(() -> Snapshotable.of(target).restore(List.of(store.input())))
          .as("byte %d flipped", position)
          .isInstanceOf(SnapshotException.class);
    }
  }

  @Test
  default void restore_truncatedStream_throwsSnapshotException() {
    KeyedStateBackend<Long> backend = filledBackend(20);
    byte[] bytes = snapshotOf(backend).bytes(STREAM);

    for (int length : new int[] {0, 3, 11, bytes.length / 2, bytes.length - 1}) {
      MemorySnapshotStore store = new MemorySnapshotStore("truncated to " + length);
      store.put(STREAM, Arrays.copyOf(bytes, length));
      KeyedStateBackend<Long> target = backend();

      assertThatThrownBy(() -> Snapshotable.of(target).restore(List.of(store.input())))
          .as("truncated to %d of %d bytes", length, bytes.length)
          .isInstanceOf(SnapshotException.class);
    }
  }

  @Test
  default void restore_unregisteredState_carriedIntoNextSnapshot() {
    KeyedStateBackend<Long> original = filledBackend(30);
    Map<String, Map<Object, Object>> expected = contents(original, AllKinds.ALL);
    KeyedStateBackend<Long> middle = restored(original, snapshotOf(original).input());
    ValueState<String> value = middle.getState(AllKinds.VALUE);
    middle.setCurrentKey(0L);
    value.update("changed");
    expected.get("value-state").put(0L, "changed");

    KeyedStateBackend<Long> last = restored(middle, snapshotOf(middle).input());

    assertThat(contents(last, AllKinds.ALL)).isEqualTo(expected);
  }

  @Test
  default void keys_restoredButUnregisteredState_throwsIllegalArgumentUntilRegistered() {
    KeyedStateBackend<Long> original = filledBackend(5);
    KeyedStateBackend<Long> restored = restored(original, snapshotOf(original).input());

    assertThatThrownBy(() -> restored.keys(AllKinds.VALUE.name())).isInstanceOf(IllegalArgumentException.class);
    restored.getState(AllKinds.VALUE);
    try (var keys = restored.keys(AllKinds.VALUE.name())) {
      assertThat(keys.count()).isEqualTo(5);
    }
  }

  @Test
  default void restore_afterStateRegistered_throwsIllegalState() {
    KeyedStateBackend<Long> backend = filledBackend(3);
    SnapshotInput input = snapshotOf(backend).input();
    KeyedStateBackend<Long> target = backend();
    target.getState(AllKinds.VALUE);

    assertThatThrownBy(() -> Snapshotable.of(target).restore(List.of(input))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  default void restore_snapshotOfEmptyBackend_restoresNothing() {
    KeyedStateBackend<Long> empty = backend();
    empty.getState(AllKinds.LIST);

    KeyedStateBackend<Long> restored = restored(empty, snapshotOf(empty).input());

    assertThat(contents(restored, AllKinds.LIST)).isEqualTo(Map.of("list-state", Map.of()));
  }

  @Test
  default void restore_restoredBackend_keepsWorkingAndSnapshotsAgain() {
    KeyedStateBackend<Long> original = filledBackend(50);
    KeyedStateBackend<Long> restored = restored(original, snapshotOf(original).input());
    AllKinds states = new AllKinds(restored);
    Random random = new Random(3);
    for (int i = 0; i < 1_000; i++) {
      states.mutate(random, 80);
    }

    KeyedStateBackend<Long> again = restored(restored, snapshotOf(restored).input());

    assertThat(contents(again, AllKinds.ALL)).isEqualTo(contents(restored, AllKinds.ALL));
  }

  @Test
  default void snapshot_nullMapValues_roundTrip() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, Long> state =
        backend.getState(StateDescriptors.map("nullable", Serializers.STRING, Serializers.LONG));
    for (long key = 0; key < 10; key++) {
      backend.setCurrentKey(key);
      state.put("null", null);
      if (key % 2 == 0) {
        state.put("one", 1L);
      }
    }

    KeyedStateBackend<Long> restored = restored(backend, snapshotOf(backend).input());
    MapState<String, Long> restoredState =
        restored.getState(StateDescriptors.map("nullable", Serializers.STRING, Serializers.LONG));

    for (long key = 0; key < 10; key++) {
      restored.setCurrentKey(key);
      assertThat(restoredState.contains("null")).isTrue();
      assertThat(restoredState.get("null")).isNull();
      assertThat(restoredState.contains("one")).isEqualTo(key % 2 == 0);
    }
  }

  @Test
  default void snapshot_largeValues_roundTrip() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<byte[]> value = backend.getState(StateDescriptors.value("big-value", Serializers.BYTES));
    ListState<byte[]> list = backend.getState(StateDescriptors.list("big-list", Serializers.BYTES));
    MapState<Integer, byte[]> map =
        backend.getState(StateDescriptors.map("big-map", Serializers.INT, Serializers.BYTES));
    backend.setCurrentKey(1L);
    value.update(TestValues.bigArray(1));
    list.add(TestValues.bigArray(2));
    map.put(1, TestValues.bigArray(3));
    StateDescriptor<?>[] descriptors = {
      StateDescriptors.value("big-value", Serializers.BYTES),
      StateDescriptors.list("big-list", Serializers.BYTES),
      StateDescriptors.map("big-map", Serializers.INT, Serializers.BYTES)
    };

    KeyedStateBackend<Long> restored = restored(backend, snapshotOf(backend).input());

    assertThat(contents(restored, descriptors)).isEqualTo(contents(backend, descriptors));
    assertThat(contents(restored, descriptors).get("big-value").get(1L))
        .isEqualTo(StateContents.normalize(TestValues.bigArray(1)));
  }
}
