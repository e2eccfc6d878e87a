package dev.cairn.ttl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.AggregatingState;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.ReducingState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.TtlVisibility;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.serde.Serializers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The TTL semantics every backend shares, and the cleanup strategies, on each backend (TTL 100 ms). */
class TtlSemanticsTest {

  private static TtlConfig.Builder ttl100() {
    return TtlConfig.builder(Duration.ofMillis(100));
  }

  private static final ValueStateDescriptor<Long> VALUE = StateDescriptors.value("value", Serializers.LONG, -1L);
  private static final MapStateDescriptor<String, Long> MAP =
      StateDescriptors.map("map", Serializers.STRING, Serializers.LONG);

  @ParameterizedTest
  @EnumSource(Backends.class)
  void mapPut_nullValueWithTtl_acceptedAndPresent(Backends backend) {
    try (TtlHarness h = new TtlHarness(backend, ttl100().build())) {
      MapState<String, Long> map = h.key(1).state(MAP);

      map.put("k", null);
      h.restart();

      map = h.state(MAP);
      assertThat(map.contains("k")).isTrue();
      assertThat(map.get("k")).isNull();
      assertThat(map.isEmpty()).isFalse();
      h.at(1_100);
      assertThat(map.contains("k")).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void reducingAndAggregatingAdd_null_throwNpeNamingStateAndKeepState(Backends backend) {
    try (TtlHarness h = new TtlHarness(backend, ttl100().build())) {
      ReducingState<Long> reducing = h.key(1).state(StateDescriptors.reducing("sum", Long::sum, Serializers.LONG));
      AggregatingState<Integer, String> aggregating =
          h.state(StateDescriptors.aggregating("agg", new TtlMatrixTest.SumAsText(), Serializers.LONG));
      reducing.add(5L);
      aggregating.add(5);

      assertThatThrownBy(() -> reducing.add(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("sum");
      assertThatThrownBy(() -> aggregating.add(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("agg");

      assertThat(reducing.get()).isEqualTo(5L);
      assertThat(aggregating.get()).isEqualTo("sum=5");
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void listAddAllAndUpdate_nullElement_throwAndChangeNothing(Backends backend) {
    try (TtlHarness h = new TtlHarness(backend, ttl100().build())) {
      ListState<String> list = h.key(1).state(StateDescriptors.list("list", Serializers.STRING));
      list.add("a");

      assertThatThrownBy(() -> list.addAll(Arrays.asList("b", null))).isInstanceOf(NullPointerException.class)
          .hasMessageContaining("list");
      assertThatThrownBy(() -> list.update(Arrays.asList("b", null))).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> list.add(null)).isInstanceOf(NullPointerException.class);

      assertThat(list.get()).containsExactly("a");
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void valueState_expiryBoundary_liveOneMillisecondBeforeDefaultAt(Backends backend) {
    try (TtlHarness h = new TtlHarness(backend, ttl100().build())) {
      ValueState<Long> value = h.key(1).at(5_000).state(VALUE);
      value.update(7L);

      h.at(5_099);
      assertThat(value.value()).isEqualTo(7L);
      h.at(5_100);
      assertThat(value.value()).isEqualTo(-1L);
      assertThat(h.storedKeys(VALUE)).isZero(); // read cleans up lazily
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void keys_keysWhoseStateAllExpired_notListedWhetherOrNotCleanedUp(Backends backend) {
    try (TtlHarness h = new TtlHarness(backend, ttl100().build())) {
      for (long key = 0; key < 10; key++) {
        h.key(key).at(key % 2 == 0 ? 1_000 : 1_050);
        h.state(VALUE).update(key);
        h.state(MAP).put("a", key);
      }
      h.key(1).at(1_000).state(MAP).put("b", 1L); // key 1's map: a live until 1150, b until 1100

      h.at(1_100);

      List<Long> odd = List.of(1L, 3L, 5L, 7L, 9L);
      assertThat(h.keys(VALUE)).isEqualTo(odd);
      assertThat(h.keys(MAP)).isEqualTo(odd);
      assertThat(h.storedKeys(VALUE)).isEqualTo(10); // nothing was cleaned: keys() only hides
      h.at(1_150);
      assertThat(h.keys(VALUE)).isEmpty();
      assertThat(h.keys(MAP)).isEmpty();
      MapState<String, Long> map = h.key(1).state(MAP);
      assertThat(map.isEmpty()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void applyToAllKeys_expiredKeys_skippedAndCleanedUp(Backends backend) {
    try (TtlHarness h = new TtlHarness(backend, ttl100().build())) {
      for (long key = 0; key < 10; key++) {
        h.key(key).at(key < 4 ? 1_000 : 1_050).state(VALUE).update(key);
      }
      h.at(1_120);
      List<Long> visited = new ArrayList<>();

      h.backend.applyToAllKeys(VALUE, (key, state) -> visited.add(state.value()));

      assertThat(visited).containsExactlyInAnyOrder(4L, 5L, 6L, 7L, 8L, 9L);
      assertThat(h.storedKeys(VALUE)).isEqualTo(6);
      assertThat(h.backend.getCurrentKey()).isEqualTo(9L);
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void incrementalCleanup_writesToOneKey_removeExpiredStateOfOthers(Backends backend) {
    try (TtlHarness h = new TtlHarness(backend, ttl100().cleanupIncrementally(4).build())) {
      for (long key = 0; key < 20; key++) {
        h.key(key).at(1_000).state(VALUE).update(key);
      }
      h.restart(); // a fresh backend: its cleanup round starts with the first write below
      h.key(100).at(1_200);
      ValueState<Long> value = h.state(VALUE);

      for (int i = 0; i < 4; i++) {
        value.update((long) i); // 4 writes x 4 entries: 16 of the 21 stored keys visited
      }

      // key 100's own entry, stored by the first write, may be among the 16 (skipped: it is current)
      assertThat(h.storedKeys(VALUE)).isBetween(4L + 1, 5L + 1);
      value.update(4L);
      value.update(5L); // 24 visits: the round of 21 entries is complete
      assertThat(h.storedKeys(VALUE)).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void incrementalCleanup_readsAlone_checkNoOtherKey(Backends backend) {
    // only writes make state grow, so only writes pay for the cleanup step
    try (TtlHarness h = new TtlHarness(backend, ttl100().cleanupIncrementally(4).build())) {
      for (long key = 0; key < 20; key++) {
        h.key(key).at(1_000).state(VALUE).update(key);
      }
      h.key(100).at(1_200);
      ValueState<Long> value = h.state(VALUE);
      for (int i = 0; i < 10; i++) {
        value.value();
      }
      assertThat(h.storedKeys(VALUE)).isEqualTo(20);
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void keys_streamNeverClosed_cleanupStillRunsAndStreamStaysUsable(Backends backend) {
    for (TtlVisibility visibility : TtlVisibility.values()) {
      try (TtlHarness h = new TtlHarness(backend, ttl100().visibility(visibility).cleanupIncrementally(10).build())) {
        for (long key = 0; key < 10; key++) {
          h.key(key).at(1_000).state(VALUE).update(key);
        }
        h.at(1_100);
        Stream<Long> leftOpen = h.backend.keys(VALUE.name()); // never closed

        h.key(100).state(VALUE).update(0L); // a write: checks the 10 expired keys

        assertThat(h.storedKeys(VALUE)).isEqualTo(1); // key 100's
        assertThat(leftOpen.count()).isEqualTo(visibility == TtlVisibility.NEVER_RETURN_EXPIRED ? 0 : 10);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void cleanupOnEveryRecord_setCurrentKeyOnly_removesExpiredState(Backends backend) {
    try (TtlHarness h = new TtlHarness(backend, ttl100().cleanupOnEveryRecord(2).build())) {
      for (long key = 0; key < 10; key++) {
        h.key(key).at(1_000).state(VALUE).update(key);
      }
      h.at(1_100);

      for (long record = 0; record < 10; record++) {
        h.key(1_000 + record); // the record touches no state; 20 checks cover the 10 keys
      }

      assertThat(h.storedKeys(VALUE)).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void periodicCleanup_runsOncePerInterval(Backends backend) {
    try (TtlHarness h = new TtlHarness(backend, ttl100().cleanupPeriodically(Duration.ofMillis(50), 5).build())) {
      for (long key = 0; key < 10; key++) {
        h.key(key).at(1_000).state(VALUE).update(key); // the first access ran (and scheduled) the scan
      }
      h.at(1_100);

      h.key(1_000);
      h.key(1_001); // same instant: not due again
      assertThat(h.storedKeys(VALUE)).isEqualTo(5);
      h.at(1_150).key(1_002);
      assertThat(h.storedKeys(VALUE)).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void periodicCleanup_intervalBeyondLongMillis_statesWork(Backends backend) {
    TtlConfig config = ttl100().cleanupPeriodically(Duration.ofSeconds(Long.MAX_VALUE), 5).build();
    try (TtlHarness h = new TtlHarness(backend, config)) {
      ValueState<Long> value = h.key(1).at(1_000).state(VALUE);
      value.update(7L);

      assertThat(value.value()).isEqualTo(7L);
      h.at(1_100);
      assertThat(value.value()).isEqualTo(-1L);
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void periodicCleanup_clockJumpsBackwards_keepsRunningOncePerInterval(Backends backend) {
    try (TtlHarness h = new TtlHarness(backend, ttl100().cleanupPeriodically(Duration.ofMillis(50), 100).build())) {
      for (long key = 0; key < 10; key++) {
        h.key(key).at(100_000).state(VALUE).update(key);
      }
      for (long key = 10; key < 20; key++) {
        h.key(key).at(1_000).state(VALUE).update(key); // the clock went back 99 s
      }

      h.at(1_100).key(1_000); // keys 10..19 expired; 100 ms since the last run

      assertThat(h.storedKeys(VALUE)).isEqualTo(10);
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void cleanUp_explicitStep_removesExpiredStateOfUnreadKeys(Backends backend) {
    try (TtlHarness h = new TtlHarness(backend, ttl100().build())) {
      for (long key = 0; key < 10; key++) {
        h.key(key).at(key < 5 ? 1_000 : 1_090).state(VALUE).update(key);
        h.state(MAP).put("k", key);
      }
      h.at(1_100);

      assertThat(h.backend.cleanUp(100)).isEqualTo(10); // 5 expired keys x 2 states
      assertThat(h.storedKeys(VALUE)).isEqualTo(5);
      assertThat(h.backend.getCurrentKey()).isEqualTo(9L);
    }
  }
}
