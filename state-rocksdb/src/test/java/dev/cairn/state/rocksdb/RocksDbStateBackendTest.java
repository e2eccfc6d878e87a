package dev.cairn.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.rocksdb.CompressionType;

/** What is specific to RocksDB: the key layout, batched map iteration, options, errors. */
class RocksDbStateBackendTest {

  @Test
  void mapState_keysWhoseBytesShareAPrefix_keptApart() {
    try (KeyedStateBackend<String> backend = RocksDbStateBackend.builder(Serializers.STRING).maxParallelism(1).build()) {
      MapState<String, Long> map = backend.getState(StateDescriptors.map("m", Serializers.STRING, Serializers.LONG));
      // one key group: "a" and "ab" would collide if keys were not self-delimiting
      for (String key : List.of("a", "ab", "abc")) {
        backend.setCurrentKey(key);
        map.put("x", (long) key.length());
        map.put("bc", 0L);
      }

      backend.setCurrentKey("a");
      map.clear();

      backend.setCurrentKey("ab");
      assertThat(map.get("x")).isEqualTo(2L);
      assertThat(map.keys()).containsExactlyInAnyOrder("x", "bc");
      try (Stream<String> keys = backend.keys("m")) {
        assertThat(keys).containsExactlyInAnyOrder("ab", "abc");
      }
    }
  }

  @Test
  void mapState_moreEntriesThanOneBatch_iteratedAndRemovedThroughIterator() {
    int entries = RocksDbMapState.BATCH * 3 + 17;
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).build()) {
      MapState<Integer, String> map = backend.getState(StateDescriptors.map("m", Serializers.INT, Serializers.STRING));
      backend.setCurrentKey(1L);
      for (int i = 0; i < entries; i++) {
        map.put(i, i % 10 == 0 ? null : "v" + i);
      }
      backend.setCurrentKey(2L);
      map.put(0, "other key");
      backend.setCurrentKey(1L);

      Map<Integer, String> seen = new HashMap<>();
      for (Iterator<Map.Entry<Integer, String>> it = map.iterator(); it.hasNext(); ) {
        Map.Entry<Integer, String> entry = it.next();
        seen.put(entry.getKey(), entry.getValue());
        if (entry.getKey() % 2 == 0) {
          it.remove();
        }
      }

      assertThat(seen).hasSize(entries).containsEntry(10, null).containsEntry(11, "v11");
      List<Integer> left = new ArrayList<>();
      map.keys().forEach(left::add);
      assertThat(left).hasSize(entries / 2).allMatch(k -> k % 2 == 1);
      try (Stream<Long> keys = backend.keys("m")) {
        assertThat(keys).containsExactlyInAnyOrder(1L, 2L);
      }
    }
  }

  @Test
  void mapIterator_removeAfterHasNextLoadedTheNextBatch_removesTheEntryLastReturned() {
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).build()) {
      MapState<Integer, Integer> map = backend.getState(StateDescriptors.map("m", Serializers.INT, Serializers.INT));
      backend.setCurrentKey(1L);
      for (int i = 0; i < RocksDbMapState.BATCH + 5; i++) {
        map.put(i, i);
      }
      Iterator<Integer> it = map.keys().iterator();
      Integer lastOfFirstBatch = null;
      for (int i = 0; i < RocksDbMapState.BATCH; i++) {
        lastOfFirstBatch = it.next();
      }

      assertThat(it.hasNext()).isTrue(); // reads the second batch
      it.remove();

      assertThat(map.contains(lastOfFirstBatch)).isFalse();
      List<Integer> left = new ArrayList<>();
      map.keys().forEach(left::add);
      assertThat(left).hasSize(RocksDbMapState.BATCH + 4);
      assertThatThrownBy(it::remove).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void mapState_keysEndingInFfBytes_iterateOnlyTheirOwnEntries() {
    // with one key group, -1 is a prefix of 0x0000 and eight 0xFF bytes, and Long.MAX_VALUE ends in 0xFF
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).maxParallelism(1).build()) {
      MapState<Long, Long> map = backend.getState(StateDescriptors.map("m", Serializers.LONG, Serializers.LONG));
      long[] keys = {Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE};
      for (long key : keys) {
        backend.setCurrentKey(key);
        map.put(-1L, key);
        map.put(key, key);
      }

      for (long key : keys) {
        backend.setCurrentKey(key);
        Map<Long, Long> entries = new HashMap<>();
        map.entries().forEach(e -> entries.put(e.getKey(), e.getValue()));
        Map<Long, Long> expected = new HashMap<>();
        expected.put(-1L, key);
        expected.put(key, key);
        assertThat(entries).isEqualTo(expected);
      }
    }
  }

  @Test
  void mapState_longKeysAndLargeValues_iteratedWhole() {
    try (KeyedStateBackend<String> backend = RocksDbStateBackend.builder(Serializers.STRING).build()) {
      MapState<String, String> map = backend.getState(StateDescriptors.map("m", Serializers.STRING, Serializers.STRING));
      List<String> keys = List.of("k", "k".repeat(100), "k".repeat(1_000));
      for (String key : keys) {
        backend.setCurrentKey(key);
        for (int i = 0; i < 3; i++) {
          map.put(i + "u".repeat(500), key.length() + "v".repeat(10_000 * i));
        }
      }

      for (String key : keys) {
        backend.setCurrentKey(key);
        Map<String, String> entries = new HashMap<>();
        map.entries().forEach(e -> entries.put(e.getKey(), e.getValue()));
        assertThat(entries).hasSize(3);
        for (int i = 0; i < 3; i++) {
          assertThat(entries.get(i + "u".repeat(500))).isEqualTo(key.length() + "v".repeat(10_000 * i));
        }
      }
    }
  }

  @Test
  void mapState_clearOfLargeMap_removesOnlyCurrentKeysEntries() {
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).build()) {
      MapState<Integer, Integer> map = backend.getState(StateDescriptors.map("m", Serializers.INT, Serializers.INT));
      for (long key = 1; key <= 2; key++) {
        backend.setCurrentKey(key);
        for (int i = 0; i < 1_000; i++) {
          map.put(i, i);
        }
      }
      backend.setCurrentKey(1L);

      map.clear();

      assertThat(map.isEmpty()).isTrue();
      backend.setCurrentKey(2L);
      assertThat(map.values()).hasSize(1_000);
    }
  }

  @Test
  void listState_appendsAfterSnapshot_snapshotHoldsOnlyEarlierElements() throws IOException {
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).build()) {
      ListState<String> list = backend.getState(StateDescriptors.list("l", Serializers.STRING));
      backend.setCurrentKey(1L);
      list.addAll(List.of("a", "b"));
      list.add("c");
      MemorySnapshotStore store = new MemorySnapshotStore();
      try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1)) {
        list.add("d");
        snapshot.writeTo(store);
      }

      try (KeyedStateBackend<Long> restored = RocksDbStateBackend.builder(Serializers.LONG).build()) {
        Snapshotable.of(restored).restore(List.of(store.input()));
        ListState<String> restoredList = restored.getState(StateDescriptors.list("l", Serializers.STRING));
        restored.setCurrentKey(1L);
        assertThat(restoredList.get()).containsExactly("a", "b", "c");
        restoredList.add("e");
        assertThat(restoredList.get()).containsExactly("a", "b", "c", "e");
      }
      assertThat(list.get()).containsExactly("a", "b", "c", "d");
    }
  }

  @ParameterizedTest
  @EnumSource(RocksDbProfile.class)
  void build_eachProfile_storesAndReadsState(RocksDbProfile profile) {
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).profile(profile).build()) {
      ValueState<String> state = backend.getState(StateDescriptors.value("v", Serializers.STRING));
      backend.setCurrentKey(3L);
      state.update("three");
      assertThat(state.value()).isEqualTo("three");
    }
  }

  @Test
  void build_optionsCustomizer_calledOnceWithTheOptions() {
    AtomicInteger calls = new AtomicInteger();
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG)
        .options((db, columnFamily) -> {
          calls.incrementAndGet();
          columnFamily.setCompressionType(CompressionType.NO_COMPRESSION);
        })
        .build()) {
      ValueState<Long> state = backend.getState(StateDescriptors.value("v", Serializers.LONG));
      backend.setCurrentKey(1L);
      state.update(1L);
      assertThat(state.value()).isEqualTo(1L);
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void builder_optionSetTwice_failsFastNamingPreviousValue() {
    RocksDbStateBackend.Builder<Long> builder = RocksDbStateBackend.builder(Serializers.LONG);
    builder.profile(RocksDbProfile.FLASH_SSD).memoryBudget(64L << 20);

    assertThatThrownBy(() -> builder.profile(RocksDbProfile.DEFAULT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("FLASH_SSD");
    assertThatThrownBy(() -> builder.memoryBudget(32L << 20))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(String.valueOf(64L << 20));
    try (RocksDbMemory memory = RocksDbMemory.create(32L << 20)) {
      assertThatThrownBy(() -> builder.memory(memory)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aggregatedLongProperty_unknownProperty_throwsRocksDbStateExceptionWithStatus() {
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).build()) {
      assertThatThrownBy(() -> RocksDbStateBackend.aggregatedLongProperty(backend, "rocksdb.no-such-property"))
          .isInstanceOf(RocksDbStateException.class)
          .hasMessageContaining("read property 'rocksdb.no-such-property'")
          .hasMessageStartingWith("RocksDB failed to");
    }
  }

  @Test
  void aggregatedLongProperty_afterWrites_countsKeysOfAllStates() {
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).writeBackCache(0).build()) {
      ValueState<Long> a = backend.getState(StateDescriptors.value("a", Serializers.LONG));
      ValueState<Long> b = backend.getState(StateDescriptors.value("b", Serializers.LONG));
      for (long key = 0; key < 10; key++) {
        backend.setCurrentKey(key);
        a.update(key);
        b.update(key);
      }

      assertThat(RocksDbStateBackend.aggregatedLongProperty(backend, "rocksdb.estimate-num-keys")).isEqualTo(20L);
    }
  }

  @Test
  void flushAndCompact_afterWrites_writesCachedWritesAndMemtablesToFilesAndKeepsState() {
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).build()) {
      ValueState<Long> value = backend.getState(StateDescriptors.value("v", Serializers.LONG));
      for (long key = 0; key < 1_000; key++) {
        backend.setCurrentKey(key);
        value.update(key * 2);
      }

      RocksDbStateBackend.flushAndCompact(backend); // the write-back cache's writes included

      assertThat(RocksDbStateBackend.aggregatedLongProperty(backend, "rocksdb.num-entries-active-mem-table")).isZero();
      assertThat(RocksDbStateBackend.aggregatedLongProperty(backend, "rocksdb.estimate-num-keys")).isEqualTo(1_000L);
      backend.setCurrentKey(777L);
      assertThat(value.value()).isEqualTo(1_554L);
    }
  }
}
