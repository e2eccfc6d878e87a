package dev.cairn.ttl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.TtlVisibility;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.kit.QueryableStateContract;
import dev.cairn.state.query.StateView;
import dev.cairn.state.query.StateViews;
import dev.cairn.state.serde.Serializers;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Views over the TTL decorator: the queryable-state contract with every state under a TTL that never
 * fires (envelopes unwrapped, nothing hidden), on both backends; and expired entries hidden.
 */
class TtlQueryableStateTest {

  @Nested
  class OverHeap implements QueryableStateContract {
    @Override
    public KeyedStateBackend<Long> createQueryableBackend() {
      return TtlStateBackend.wrap(
          Backends.HEAP.create(Serializers.LONG), TtlHeapConformanceTest.NEVER_FIRES, InstantSource.system());
    }
  }

  @Nested
  class OverRocksDb implements QueryableStateContract {
    @Override
    public KeyedStateBackend<Long> createQueryableBackend() {
      return TtlStateBackend.wrap(
          Backends.ROCKSDB.create(Serializers.LONG), TtlHeapConformanceTest.NEVER_FIRES, InstantSource.system());
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void view_hidesExpiredValuesElementsEntriesAndKeys_underBothVisibilities(Backends kind) throws Exception {
    for (TtlVisibility visibility : TtlVisibility.values()) {
      TtlConfig ttl = TtlConfig.builder(Duration.ofMillis(100)).visibility(visibility).build();
      ValueStateDescriptor<Long> value = StateDescriptors.value("value", Serializers.LONG, -1L).withTtl(ttl);
      ListStateDescriptor<Long> list = StateDescriptors.list("list", Serializers.LONG).withTtl(ttl);
      MapStateDescriptor<String, Long> map = StateDescriptors.map("map", Serializers.STRING, Serializers.LONG).withTtl(ttl);
      ManualClock clock = new ManualClock(1_000);
      try (KeyedStateBackend<Long> backend = TtlStateBackend.wrap(kind.create(Serializers.LONG), clock);
          StateViews<Long> views = StateViews.of(backend)) {
        ValueState<Long> values = backend.getState(value);
        ListState<Long> lists = backend.getState(list);
        MapState<String, Long> maps = backend.getState(map);
        for (long key = 0; key < 4; key++) { // keys 0 and 1 written at 1,000, keys 2 and 3 at 1,060
          if (key == 2) {
            clock.advance(60);
          }
          backend.setCurrentKey(key);
          values.update(key);
          lists.add(key);
          maps.put("old", key);
        }
        backend.setCurrentKey(2L);
        clock.advance(60); // 1,120: keys 0 and 1 expired; key 2 gets fresh entries next to its older ones
        lists.add(20L);
        maps.put("new", 20L);
        views.publish();
        try (StateView<Long> view = views.acquire()) {
          assertThat(view.value(value, 0L)).as("expired: the default").isEqualTo(-1L);
          assertThat(view.value(value, 3L)).isEqualTo(3L);
          assertThat(view.list(list, 1L)).isEmpty();
          assertThat(view.list(list, 2L)).containsExactly(2L, 20L);
          assertThat(view.get(map, 0L, "old")).isNull();
          assertThat(view.contains(map, 0L, "old")).isFalse();
          assertThat(view.entries(map, 2L).map(Map.Entry::getKey).sorted().toList()).isEqualTo(List.of("new", "old"));
          for (String state : List.of("value", "list", "map")) {
            assertThat(view.keys(state).sorted().toList()).as(state).isEqualTo(List.of(2L, 3L));
            assertThat(view.keys(state, 0L, 3L).toList()).as(state).isEqualTo(List.of(2L));
          }
        }
        clock.advance(50); // 1,170: only key 2's fresh entries are live
        views.publish();
        try (StateView<Long> view = views.acquire()) {
          assertThat(view.list(list, 2L)).containsExactly(20L);
          assertThat(view.entries(map, 2L).map(Map.Entry::getKey).toList()).isEqualTo(List.of("new"));
          assertThat(view.keys("value").toList()).isEmpty();
          assertThat(view.keys("map").toList()).isEqualTo(List.of(2L));
        }
      }
    }
  }
}
