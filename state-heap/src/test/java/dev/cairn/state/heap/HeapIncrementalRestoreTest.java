package dev.cairn.state.heap;

import static dev.cairn.state.heap.HeapIncrementalSnapshotTest.chainNames;
import static dev.cairn.state.heap.HeapIncrementalSnapshotTest.mutate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.ValueState;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyGroups;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Restoring heap incremental snapshots: claim and no-claim, rescaling, damage. */
class HeapIncrementalRestoreTest {

  private static final int MAX_PARALLELISM = KeyGroups.DEFAULT_MAX_PARALLELISM;

  @Test
  void restore_claimMode_nextSnapshotExtendsRestoredChain() {
    Chained original = chainOfTwo();
    HeapKeyedStateBackend<Long> backend = (HeapKeyedStateBackend<Long>) AllKindsFixture.newBackend();
    try (backend) {
      Snapshotable.of(backend).restore(List.of(IncrementalChain.input(original.store, true)));
      assertThat(backend.tracksChanges()).isTrue();
      ValueState<Long> value = backend.getState(AllKindsFixture.VALUE); // the others stay restored bytes
      backend.setCurrentKey(7L);
      value.update(70L);
      backend.setCurrentKey(8L);
      value.clear();
      Map<String, Map<Long, Object>> expected = copy(original.expected);
      expected.get("value").put(7L, 70L);
      expected.get("value").remove(8L);
      IncrementalChain chain = new IncrementalChain(backend, original.store);

      MemorySnapshotStore store = chain.checkpoint(3);

      assertThat(store.streamNames()).containsExactlyInAnyOrderElementsOf(chainNames(2));
      assertThat(store.bytes("base")).isEqualTo(original.store.bytes("base"));
      assertThat(store.bytesWritten()).isLessThan(original.store.bytes("base").length / 10);
      try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(IncrementalChain.input(store, false))) {
        assertThat(AllKindsFixture.dump(restored)).isEqualTo(expected);
      }
    }
  }

  @Test
  void restore_noClaimMode_nextSnapshotWritesNewBase() {
    Chained original = chainOfTwo();
    HeapKeyedStateBackend<Long> backend = (HeapKeyedStateBackend<Long>) AllKindsFixture.newBackend();
    try (backend) {
      Snapshotable.of(backend).restore(List.of(IncrementalChain.input(original.store, false)));
      assertThat(backend.tracksChanges()).isFalse();
      IncrementalChain chain = new IncrementalChain(backend, original.store);

      MemorySnapshotStore store = chain.checkpoint(3);

      assertThat(store.streamNames()).containsExactlyInAnyOrderElementsOf(chainNames(0));
      assertThat(store.bytesWritten()).isGreaterThan(store.bytes("base").length); // a new base, not a reference
      assertThat(store.bytes("base")).isNotEqualTo(original.store.bytes("base"));
      try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(IncrementalChain.input(store, false))) {
        assertThat(AllKindsFixture.dump(restored)).isEqualTo(original.expected);
      }
    }
  }

  @Test
  void restore_rescaleOneToFourToOne_givesExactState() {
    Chained original = chainOfTwo();
    Map<String, Map<Long, Object>> expected = new TreeMap<>();
    List<SnapshotInput> parts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      KeyGroupRange range = KeyGroupRange.forInstance(MAX_PARALLELISM, 4, i);
      try (KeyedStateBackend<Long> part = AllKindsFixture.newBackend(range)) {
        Snapshotable.of(part).restore(List.of(IncrementalChain.input(original.store, true)));
        assertThat(AllKindsFixture.dump(part)).isEqualTo(inRange(original.expected, range));
        AllKindsFixture states = new AllKindsFixture(part);
        IncrementalChain chain = new IncrementalChain(part);
        Random random = new Random(i);
        assertThat(chain.checkpoint(3).streamNames()) // another range: the restored chain cannot be extended
            .containsExactlyInAnyOrderElementsOf(chainNames(0));
        mutateInRange(states, random, range, 200);
        MemorySnapshotStore store = chain.checkpoint(4);
        assertThat(store.streamNames()).containsExactlyInAnyOrderElementsOf(chainNames(1));
        AllKindsFixture.dump(part).forEach((name, perKey) -> expected.computeIfAbsent(name, n -> new TreeMap<>()).putAll(perKey));
        parts.add(IncrementalChain.input(store, true));
      }
    }

    try (KeyedStateBackend<Long> merged = AllKindsFixture.newBackend()) {
      Snapshotable.of(merged).restore(parts);
      assertThat(AllKindsFixture.dump(merged)).isEqualTo(expected);
      AllKindsFixture states = new AllKindsFixture(merged);
      IncrementalChain chain = new IncrementalChain(merged);
      assertThat(chain.checkpoint(5).streamNames()).containsExactlyInAnyOrderElementsOf(chainNames(0));
      mutate(states, new Random(5), 200);
      Map<String, Map<Long, Object>> atEnd = AllKindsFixture.dump(merged);
      MemorySnapshotStore store = chain.checkpoint(6);
      try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(IncrementalChain.input(store, false))) {
        assertThat(AllKindsFixture.dump(restored)).isEqualTo(atEnd);
      }
    }
  }

  @Test
  void restore_canonicalAndIncrementalInputsOfOtherRanges_mergesThem() {
    Chained original = chainOfTwo();
    KeyGroupRange lower = KeyGroupRange.forInstance(MAX_PARALLELISM, 2, 0);
    KeyGroupRange upper = KeyGroupRange.forInstance(MAX_PARALLELISM, 2, 1);
    SnapshotInput canonical;
    try (KeyedStateBackend<Long> part = AllKindsFixture.newBackend(lower)) {
      Snapshotable.of(part).restore(List.of(IncrementalChain.input(original.store, false)));
      canonical = AllKindsFixture.write(Snapshotable.of(part).snapshot(3), "lower").input();
    }
    SnapshotInput incremental;
    try (KeyedStateBackend<Long> part = AllKindsFixture.newBackend(upper)) {
      Snapshotable.of(part).restore(List.of(IncrementalChain.input(original.store, false)));
      incremental = IncrementalChain.input(new IncrementalChain(part).checkpoint(3), false);
    }

    try (KeyedStateBackend<Long> merged = AllKindsFixture.restored(canonical, incremental)) {
      assertThat(AllKindsFixture.dump(merged)).isEqualTo(original.expected);
    }
  }

  @Test
  void restore_damagedDelta_throwsNamingInputAndEntryAndChangesNothing() throws Exception {
    Chained original = chainOfTwo();
    byte[] delta = original.store.bytes("delta-1");
    List<UnaryOperator<byte[]>> damages = List.of(
        bytes -> Arrays.copyOf(bytes, bytes.length - 5), // truncated
        bytes -> Arrays.copyOf(bytes, bytes.length + 1), // trailing byte
        bytes -> withInt(bytes, 0, 0x12345678), // magic
        bytes -> withInt(bytes, 4, 2), // version
        bytes -> withInt(bytes, 8, 1 << 30)); // tombstones length
    for (UnaryOperator<byte[]> damage : damages) {
      MemorySnapshotStore damaged = copyOf(original.store, "damaged-chk");
      damaged.put("delta-1", damage.apply(delta));
      try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
        assertThatThrownBy(() -> Snapshotable.of(backend).restore(List.of(IncrementalChain.input(damaged, true))))
            .isInstanceOf(SnapshotException.class)
            .hasMessageContaining("damaged-chk")
            .hasMessageContaining("delta-1");

        try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1)) {
          assertThat(snapshot.writeTo(new MemorySnapshotStore()).states()).isEmpty();
        }
        Snapshotable.of(backend).restore(List.of(IncrementalChain.input(original.store, false)));
        assertThat(AllKindsFixture.dump(backend)).isEqualTo(original.expected);
      }
    }
  }

  @Test
  void restore_damagedOrMissingChainOrBase_throwsNamingInput() {
    Chained original = chainOfTwo();
    MemorySnapshotStore badMagic = copyOf(original.store, "bad-magic-chk");
    badMagic.put("chain", withInt(original.store.bytes("chain"), 0, 7));
    MemorySnapshotStore truncated = copyOf(original.store, "truncated-chk");
    byte[] chain = original.store.bytes("chain");
    truncated.put("chain", Arrays.copyOf(chain, chain.length - 1));
    MemorySnapshotStore missingDelta = new MemorySnapshotStore("missing-chk");
    missingDelta.put("chain", chain);
    missingDelta.put("base", original.store.bytes("base"));

    MemorySnapshotStore truncatedBase = copyOf(original.store, "truncated-base-chk");
    byte[] base = original.store.bytes("base");
    truncatedBase.put("base", Arrays.copyOf(base, base.length / 2));
    Map<String, MemorySnapshotStore> stores = Map.of(
        "bad-magic-chk", badMagic,
        "truncated-chk", truncated,
        "missing-chk", missingDelta,
        "truncated-base-chk entry 'base'", truncatedBase);
    stores.forEach((description, store) -> {
      try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
        assertThatThrownBy(() -> Snapshotable.of(backend).restore(List.of(IncrementalChain.input(store, false))))
            .isInstanceOf(SnapshotException.class)
            .hasMessageContaining(description);
      }
    });
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      assertThatThrownBy(() -> Snapshotable.of(backend).restore(List.of(original.store.input("rocksdb-native", false))))
          .isInstanceOf(SnapshotException.class)
          .hasMessageContaining("chk-2")
          .hasMessageContaining("rocksdb-native");
    }
  }

  /** A chain (base and one delta) of all kinds, and the state at its second checkpoint. */
  private record Chained(MemorySnapshotStore store, Map<String, Map<Long, Object>> expected) {}

  private static Chained chainOfTwo() {
    try (KeyedStateBackend<Long> backend = AllKindsFixture.newBackend()) {
      AllKindsFixture states = new AllKindsFixture(backend);
      IncrementalChain chain = new IncrementalChain(backend);
      states.fill(400);
      chain.checkpoint(1);
      mutate(states, new Random(41), 300);
      MemorySnapshotStore store = chain.checkpoint(2);
      assertThat(store.streamNames()).containsExactlyInAnyOrderElementsOf(chainNames(1));
      return new Chained(store, AllKindsFixture.dump(backend));
    }
  }

  /** A copy of a snapshot's entries as private streams, with its own description. */
  private static MemorySnapshotStore copyOf(MemorySnapshotStore store, String description) {
    MemorySnapshotStore copy = new MemorySnapshotStore(description);
    for (String name : store.streamNames()) {
      copy.put(name, store.bytes(name));
    }
    return copy;
  }

  private static byte[] withInt(byte[] bytes, int offset, int value) {
    byte[] copy = bytes.clone();
    ByteBuffer.wrap(copy).putInt(offset, value);
    return copy;
  }

  /** Applies {@code count} random mutations to keys of {@code range}. */
  private static void mutateInRange(AllKindsFixture states, Random random, KeyGroupRange range, int count) {
    for (int i = 0; i < count; ) {
      long key = random.nextInt(500);
      if (range.contains(KeyGroups.assign(Serializers.LONG, key, MAX_PARALLELISM))) {
        mutateKey(states, key, random);
        i++;
      }
    }
  }

  private static void mutateKey(AllKindsFixture states, long key, Random random) {
    states.backend.setCurrentKey(key);
    long n = random.nextInt(1000);
    switch (random.nextInt(8)) {
      case 0 -> states.value.update(n);
      case 1 -> states.value.clear();
      case 2 -> states.list.add(n);
      case 3 -> states.list.clear();
      case 4 -> states.map.put("k" + n % 5, n % 2 == 0 ? null : n);
      case 5 -> states.map.clear();
      case 6 -> states.sum.add(n);
      default -> states.aggregate.clear();
    }
  }

  private static Map<String, Map<Long, Object>> copy(Map<String, Map<Long, Object>> dump) {
    Map<String, Map<Long, Object>> copy = new TreeMap<>();
    dump.forEach((name, perKey) -> copy.put(name, new TreeMap<>(perKey)));
    return copy;
  }

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
