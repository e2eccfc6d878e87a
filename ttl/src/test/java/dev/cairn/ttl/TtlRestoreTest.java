package dev.cairn.ttl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.TtlVisibility;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateMetaInfo;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** TTL across snapshots: cleanup while snapshotting, enabling and disabling TTL on restore, moving between backends. */
class TtlRestoreTest {

  private static final ValueStateDescriptor<String> VALUE = StateDescriptors.value("value", Serializers.STRING);
  private static final ListStateDescriptor<Long> LIST = StateDescriptors.list("list", Serializers.LONG);
  private static final MapStateDescriptor<String, Long> MAP =
      StateDescriptors.map("map", Serializers.STRING, Serializers.LONG);
  private static final ReducingStateDescriptor<Long> SUM = StateDescriptors.reducing("sum", Long::sum, Serializers.LONG);

  /** Fills keys 0..9 of every state; map entry "null" maps to null. */
  private static void fill(KeyedStateBackend<Long> backend) {
    for (long key = 0; key < 10; key++) {
      backend.setCurrentKey(key);
      backend.getState(VALUE).update("v" + key);
      backend.getState(LIST).update(List.of(key, key + 1));
      backend.getState(MAP).put("k", key);
      backend.getState(MAP).put("null", null);
      backend.getState(SUM).add(key);
    }
  }

  /** Checks that keys 0..9 read as {@link #fill} wrote them. */
  private static void assertFilled(KeyedStateBackend<Long> backend) {
    for (long key = 0; key < 10; key++) {
      backend.setCurrentKey(key);
      assertThat(backend.getState(VALUE).value()).isEqualTo("v" + key);
      assertThat(backend.getState(LIST).get()).containsExactly(key, key + 1);
      MapState<String, Long> map = backend.getState(MAP);
      assertThat(map.get("k")).isEqualTo(key);
      assertThat(map.contains("null")).isTrue();
      assertThat(map.get("null")).isNull();
      assertThat(backend.getState(SUM).get()).isEqualTo(key);
    }
  }

  private static MemorySnapshotStore snapshot(KeyedStateBackend<?> backend) {
    MemorySnapshotStore store = new MemorySnapshotStore();
    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1)) {
      snapshot.writeTo(store);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return store;
  }

  private static long keys(KeyedStateBackend<Long> backend, StateDescriptor<?> state) {
    backend.getState(state);
    try (Stream<Long> keys = backend.keys(state.name())) {
      return keys.count();
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void restore_stateSavedWithoutTtlIntoTtl_entriesStartFreshAtRestoreTime(Backends kind) {
    ManualClock clock = new ManualClock(1_000);
    MemorySnapshotStore plain;
    try (KeyedStateBackend<Long> backend = kind.create(Serializers.LONG)) {
      fill(backend);
      plain = snapshot(backend);
    }
    clock.set(50_000);
    TtlConfig ttl = TtlConfig.builder(Duration.ofMillis(100)).build();

    try (TtlStateBackend<Long> restored = TtlStateBackend.wrap(kind.create(Serializers.LONG), ttl, clock)) {
      Snapshotable.of(restored).restore(List.of(plain.input()));
      clock.set(50_099);
      assertFilled(restored);
      clock.set(50_100);
      assertThat(keys(restored, VALUE)).isZero();
      assertThat(keys(restored, MAP)).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void restore_ttlStateIntoNoTtl_timestampsDroppedAndPlainBackendReadsItsSnapshot(Backends kind) {
    ManualClock clock = new ManualClock(1_000);
    TtlConfig ttl = TtlConfig.builder(Duration.ofMillis(100)).build();
    MemorySnapshotStore withTtl;
    try (TtlStateBackend<Long> backend = TtlStateBackend.wrap(kind.create(Serializers.LONG), ttl, clock)) {
      fill(backend);
      withTtl = snapshot(backend);
    }
    clock.set(1_000_000); // long expired, but TTL is off now

    MemorySnapshotStore stripped;
    try (TtlStateBackend<Long> noTtl =
        TtlStateBackend.builder(kind.create(Serializers.LONG), clock).convertOnRestore(VALUE, LIST, MAP, SUM).build()) {
      Snapshotable.of(noTtl).restore(List.of(withTtl.input()));
      assertFilled(noTtl);
      stripped = snapshot(noTtl);
    }
    try (KeyedStateBackend<Long> plain = kind.create(Serializers.LONG)) {
      Snapshotable.of(plain).restore(List.of(stripped.input()));
      assertFilled(plain);
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void restore_ttlStateIntoPlainBackend_registrationExplainsHowToDropTtl(Backends kind) {
    MemorySnapshotStore withTtl;
    try (TtlStateBackend<Long> backend = TtlStateBackend.wrap(
        kind.create(Serializers.LONG), TtlConfig.builder(Duration.ofMinutes(1)).build(), new ManualClock(0))) {
      fill(backend);
      withTtl = snapshot(backend);
    }

    try (KeyedStateBackend<Long> plain = kind.create(Serializers.LONG)) {
      Snapshotable.of(plain).restore(List.of(withTtl.input()));
      assertThatThrownBy(() -> plain.getState(VALUE))
          .isInstanceOf(IncompatibleSchemaException.class)
          .hasMessageContaining("value")
          .hasMessageContaining("TtlStateBackend");
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void restore_convertOnRestore_onlyDeclaredStatesChange(Backends kind) {
    ManualClock clock = new ManualClock(1_000);
    TtlConfig ttl = TtlConfig.builder(Duration.ofMillis(100)).build();
    MemorySnapshotStore withTtl;
    try (TtlStateBackend<Long> backend = TtlStateBackend.wrap(kind.create(Serializers.LONG), ttl, clock)) {
      fill(backend);
      withTtl = snapshot(backend);
    }
    clock.set(1_100);

    try (TtlStateBackend<Long> restored =
        TtlStateBackend.builder(kind.create(Serializers.LONG), clock).convertOnRestore(VALUE).build()) {
      Snapshotable.of(restored).restore(List.of(withTtl.input()));

      assertThat(keys(restored, VALUE)).isEqualTo(10); // TTL dropped
      assertThat(keys(restored, LIST.withTtl(ttl))).isZero(); // kept as stored: expired
      assertThatThrownBy(() -> restored.getState(MAP)) // stored with TTL, registered without, not declared
          .isInstanceOf(IncompatibleSchemaException.class)
          .hasMessageContaining("convertOnRestore");
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void restore_descriptorGainedTtl_declaredConvertsUndeclaredIsRefusedWithAHint(Backends kind) {
    ManualClock clock = new ManualClock(1_000);
    TtlConfig ttl = TtlConfig.builder(Duration.ofMillis(100)).build();
    MemorySnapshotStore plain;
    try (KeyedStateBackend<Long> backend = kind.create(Serializers.LONG)) {
      fill(backend);
      plain = snapshot(backend);
    }
    clock.set(50_000);

    try (TtlStateBackend<Long> restored =
        TtlStateBackend.builder(kind.create(Serializers.LONG), clock).convertOnRestore(VALUE.withTtl(ttl)).build()) {
      Snapshotable.of(restored).restore(List.of(plain.input()));

      assertThat(keys(restored, VALUE.withTtl(ttl))).isEqualTo(10);
      assertThat(keys(restored, LIST)).isEqualTo(10); // no TTL, as stored
      clock.set(50_100);
      assertThat(keys(restored, VALUE.withTtl(ttl))).isZero();
      assertThatThrownBy(() -> restored.getState(MAP.withTtl(ttl)))
          .isInstanceOf(IncompatibleSchemaException.class)
          .hasMessageContaining("map")
          .hasMessageContaining("convertOnRestore");
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void snapshot_cleanupInFullSnapshot_leavesExpiredEntriesOut(Backends kind) {
    TtlConfig config = TtlConfig.builder(Duration.ofMillis(100))
        .visibility(TtlVisibility.RETURN_EXPIRED_IF_NOT_CLEANED_UP)
        .cleanupInFullSnapshot()
        .build();
    try (TtlHarness h = new TtlHarness(kind, config)) {
      for (long key = 0; key < 10; key++) {
        h.key(key).at(key < 5 ? 1_000 : 1_050);
        h.state(VALUE).update("v" + key);
        h.state(LIST).add(key);
        h.at(1_050).state(LIST).add(-key);
        h.at(key < 5 ? 1_000 : 1_050).state(MAP).put("k", key);
      }
      h.at(1_100);

      h.restart();

      // 5 values, 10 lists (each lost at most one element), 5 map entries
      assertThat(h.lastSnapshot.entryCount()).isEqualTo(20);
      assertThat(h.lastSnapshot.states()).contains(StateMetaInfo.of(VALUE), StateMetaInfo.of(MAP));
      h.key(0);
      assertThat(h.state(VALUE).value()).isNull(); // would be returned had the snapshot kept it
      assertThat(h.state(LIST).get()).containsExactly(-0L);
      h.key(7);
      assertThat(h.state(VALUE).value()).isEqualTo("v7");
      assertThat(h.state(LIST).get()).containsExactly(7L, -7L);
      assertThat(h.storedKeys(MAP)).isEqualTo(5);
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void snapshot_withoutSnapshotCleanup_keepsExpiredEntriesWithTheirTimestamps(Backends kind) {
    TtlConfig config = TtlConfig.builder(Duration.ofMillis(100))
        .visibility(TtlVisibility.RETURN_EXPIRED_IF_NOT_CLEANED_UP)
        .build();
    try (TtlHarness h = new TtlHarness(kind, config)) {
      h.key(1).at(1_000).state(VALUE).update("old");
      h.at(1_200);

      h.restart();

      assertThat(h.lastSnapshot.entryCount()).isEqualTo(1);
      assertThat(h.state(VALUE).value()).isEqualTo("old"); // expired, returned once
      assertThat(h.state(VALUE).value()).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void savepoint_toTheOtherBackend_keepsTimestamps(Backends kind) {
    Backends other = kind == Backends.HEAP ? Backends.ROCKSDB : Backends.HEAP;
    ManualClock clock = new ManualClock(1_000);
    TtlConfig ttl = TtlConfig.builder(Duration.ofMillis(100)).build();
    MemorySnapshotStore store;
    try (TtlStateBackend<Long> backend = TtlStateBackend.wrap(kind.create(Serializers.LONG), ttl, clock)) {
      fill(backend);
      store = snapshot(backend);
    }

    try (TtlStateBackend<Long> moved = TtlStateBackend.wrap(other.create(Serializers.LONG), ttl, clock)) {
      Snapshotable.of(moved).restore(List.of(store.input()));
      clock.set(1_099);
      assertFilled(moved);
      clock.set(1_100);
      moved.setCurrentKey(3L);
      assertThat(moved.getState(VALUE).value()).isNull();
      assertThat(moved.getState(MAP).isEmpty()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void restore_damagedStreamThatNeedsRewriting_throwsSnapshotException(Backends kind) {
    MemorySnapshotStore plain;
    try (KeyedStateBackend<Long> backend = kind.create(Serializers.LONG)) {
      fill(backend);
      plain = snapshot(backend);
    }
    byte[] bytes = plain.bytes(KeyedSnapshotFormat.STREAM_NAME);
    MemorySnapshotStore truncated = new MemorySnapshotStore("truncated");
    truncated.put(KeyedSnapshotFormat.STREAM_NAME, Arrays.copyOf(bytes, bytes.length - 20));

    try (TtlStateBackend<Long> restored = TtlStateBackend.wrap(
        kind.create(Serializers.LONG), TtlConfig.builder(Duration.ofMinutes(1)).build(), new ManualClock(0))) {
      assertThatThrownBy(() -> Snapshotable.of(restored).restore(List.of(truncated.input())))
          .isInstanceOf(SnapshotException.class)
          .hasMessageContaining("truncated");
    }
  }
}
