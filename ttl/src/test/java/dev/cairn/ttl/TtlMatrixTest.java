package dev.cairn.ttl;

import static dev.cairn.state.TtlUpdateType.ON_READ_AND_WRITE;
import static dev.cairn.state.TtlVisibility.RETURN_EXPIRED_IF_NOT_CLEANED_UP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.AggregateFunction;
import dev.cairn.state.AggregatingStateDescriptor;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.TtlUpdateType;
import dev.cairn.state.TtlVisibility;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.serde.Serializers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every state kind × backend × update type × visibility, with a manual clock (TTL 100 ms, clock
 * starting at 1000) and a snapshot/restore between steps. Expiry is at {@code lastAccess + 100 <=
 * now}; "returns" means {@link TtlVisibility#RETURN_EXPIRED_IF_NOT_CLEANED_UP}, under which an expired
 * entry not yet cleaned up is returned once (the read cleans it up).
 */
class TtlMatrixTest {

  static Stream<Arguments> matrix() {
    List<Arguments> all = new ArrayList<>();
    for (Backends backend : Backends.values()) {
      for (TtlUpdateType update : TtlUpdateType.values()) {
        for (TtlVisibility visibility : TtlVisibility.values()) {
          all.add(Arguments.of(backend, update, visibility));
        }
      }
    }
    return all.stream();
  }

  private static TtlHarness harness(Backends backend, TtlUpdateType update, TtlVisibility visibility) {
    return new TtlHarness(backend,
        TtlConfig.builder(Duration.ofMillis(100)).updateType(update).visibility(visibility).build());
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("matrix")
  void valueState_acrossRestores_expiresPerUpdateTypeAndVisibility(
      Backends backend, TtlUpdateType update, TtlVisibility visibility) {
    boolean onRead = update == ON_READ_AND_WRITE;
    boolean returns = visibility == RETURN_EXPIRED_IF_NOT_CLEANED_UP;
    ValueStateDescriptor<String> d = StateDescriptors.value("v", Serializers.STRING, "default");
    try (TtlHarness h = harness(backend, update, visibility)) {
      h.key(1).at(1_000).state(d).update("a");
      h.at(1_050);
      assertThat(h.state(d).value()).isEqualTo("a");
      h.restart();

      h.at(1_099);
      assertThat(h.keys(d)).containsExactly(1L);
      h.at(1_100); // written at 1000: expired exactly now; read at 1050 (on read): live
      assertThat(h.keys(d)).hasSize(onRead || returns ? 1 : 0);
      assertThat(h.state(d).value()).isEqualTo(onRead || returns ? "a" : "default");
      h.restart();

      h.at(1_199);
      assertThat(h.state(d).value()).isEqualTo(onRead ? "a" : "default");
      assertThat(h.keys(d)).hasSize(onRead ? 1 : 0);
      h.at(1_200).state(d).update("b");
      h.restart();
      h.at(1_299);
      assertThat(h.state(d).value()).isEqualTo("b");
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("matrix")
  void listState_acrossRestores_eachElementExpiresOnItsOwn(
      Backends backend, TtlUpdateType update, TtlVisibility visibility) {
    boolean onRead = update == ON_READ_AND_WRITE;
    boolean returns = visibility == RETURN_EXPIRED_IF_NOT_CLEANED_UP;
    ListStateDescriptor<String> d = StateDescriptors.list("l", Serializers.STRING);
    try (TtlHarness h = harness(backend, update, visibility)) {
      h.key(1).at(1_000).state(d).add("a");
      h.at(1_060).state(d).add("b");
      h.restart();

      h.at(1_100); // a expired, b live
      assertThat(h.state(d).get()).containsExactlyElementsOf(returns ? List.of("a", "b") : List.of("b"));
      assertThat(h.state(d).get()).containsExactly("b"); // the read cleaned a up
      h.restart();

      h.at(1_160); // b written at 1060: expired; read at 1100 (on read): live
      assertThat(h.keys(d)).hasSize(onRead || returns ? 1 : 0);
      assertThat(h.state(d).get()).containsExactlyElementsOf(onRead || returns ? List.of("b") : List.of());
      assertThat(h.state(d).get()).containsExactlyElementsOf(onRead ? List.of("b") : List.of());
      h.state(d).update(List.of("c", "d"));
      h.restart();
      h.at(1_259);
      assertThat(h.state(d).get()).containsExactly("c", "d");
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("matrix")
  void mapState_acrossRestores_eachEntryExpiresOnItsOwn(
      Backends backend, TtlUpdateType update, TtlVisibility visibility) {
    boolean onRead = update == ON_READ_AND_WRITE;
    boolean returns = visibility == RETURN_EXPIRED_IF_NOT_CLEANED_UP;
    MapStateDescriptor<String, String> d = StateDescriptors.map("m", Serializers.STRING, Serializers.STRING);
    try (TtlHarness h = harness(backend, update, visibility)) {
      h.key(1).at(1_000).state(d).put("x", "1");
      h.at(1_060).state(d).put("y", null);
      h.restart();

      h.at(1_100); // x expired, y live
      MapState<String, String> map = h.state(d);
      assertThat(map.contains("x")).isEqualTo(returns);
      assertThat(map.get("x")).isNull(); // the contains() above cleaned it up
      assertThat(map.contains("y")).isTrue();
      assertThat(toMap(map)).isEqualTo(mapOf("y", null));
      h.restart();

      h.at(1_160); // y written at 1060: expired; read at 1100 (on read): live
      map = h.state(d);
      assertThat(map.isEmpty()).isEqualTo(!onRead && !returns);
      assertThat(h.keys(d)).hasSize(onRead || returns ? 1 : 0);
      Iterator<Map.Entry<String, String>> it = map.iterator();
      assertThat(it.hasNext()).isEqualTo(onRead || returns);
      if (returns && !onRead) {
        assertThat(it.next().getKey()).isEqualTo("y");
        it.remove(); // an expired entry that was returned can be removed
      }
      assertThat(map.isEmpty()).isEqualTo(!onRead);
      assertThat(h.storedKeys(d)).isEqualTo(onRead ? 1 : 0);
      map.putAll(Map.of("z", "3"));
      h.restart();
      h.at(1_199); // z live; y last read at 1100 (on read): live
      assertThat(toMap(h.state(d))).containsEntry("z", "3").hasSize(onRead ? 2 : 1);
    }
  }

  /** The ways to iterate a map state: each must clean up the expired entries it meets, returned or not. */
  private static final List<Function<MapState<Integer, Integer>, Iterable<?>>> MAP_VIEWS =
      List.of(MapState::entries, MapState::keys, MapState::values,
          map -> (Iterable<Map.Entry<Integer, Integer>>) map::iterator);

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("matrix")
  void mapState_iterationMeetsExpiredEntry_returnsItPerVisibilityAndCleansItUp(
      Backends backend, TtlUpdateType update, TtlVisibility visibility) {
    boolean returns = visibility == RETURN_EXPIRED_IF_NOT_CLEANED_UP;
    MapStateDescriptor<Integer, Integer> d = StateDescriptors.map("m", Serializers.INT, Serializers.INT);
    for (Function<MapState<Integer, Integer>, Iterable<?>> view : MAP_VIEWS) {
      try (TtlHarness h = harness(backend, update, visibility)) {
        MapState<Integer, Integer> map = h.key(1).at(1_000).state(d);
        map.put(1, 10);
        h.at(1_100);

        List<Object> seen = new ArrayList<>();
        view.apply(map).forEach(seen::add);

        assertThat(seen).hasSize(returns ? 1 : 0);
        assertThat(h.keys(d)).isEmpty();
        assertThat(map.isEmpty()).isTrue();
        assertThat(map.get(1)).isNull();
        assertThat(view.apply(map)).isEmpty();
        assertThat(h.storedKeys(d)).isZero();
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("matrix")
  void reducingState_acrossRestores_neverMergesExpiredIntoNew(
      Backends backend, TtlUpdateType update, TtlVisibility visibility) {
    boolean onRead = update == ON_READ_AND_WRITE;
    boolean returns = visibility == RETURN_EXPIRED_IF_NOT_CLEANED_UP;
    ReducingStateDescriptor<Long> d = StateDescriptors.reducing("r", Long::sum, Serializers.LONG);
    try (TtlHarness h = harness(backend, update, visibility)) {
      h.key(1).at(1_000).state(d).add(1L);
      h.at(1_050).state(d).add(2L);
      h.restart();

      h.at(1_140);
      assertThat(h.state(d).get()).isEqualTo(3L);
      h.restart();

      h.at(1_160); // last write 1050: expired; read at 1140 (on read): live
      h.state(d).add(4L);
      assertThat(h.state(d).get()).isEqualTo(onRead ? 7L : 4L);
      h.restart();

      h.at(2_000);
      assertThat(h.state(d).get()).isEqualTo(returns ? (onRead ? 7L : 4L) : null);
      assertThat(h.state(d).get()).isNull();
      assertThat(h.keys(d)).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("matrix")
  void aggregatingState_acrossRestores_neverMergesExpiredIntoNew(
      Backends backend, TtlUpdateType update, TtlVisibility visibility) {
    boolean onRead = update == ON_READ_AND_WRITE;
    boolean returns = visibility == RETURN_EXPIRED_IF_NOT_CLEANED_UP;
    AggregatingStateDescriptor<Integer, Long, String> d =
        StateDescriptors.aggregating("a", new SumAsText(), Serializers.LONG);
    try (TtlHarness h = harness(backend, update, visibility)) {
      h.key(1).at(1_000).state(d).add(1);
      h.at(1_050).state(d).add(2);
      h.restart();

      h.at(1_140);
      assertThat(h.state(d).get()).isEqualTo("sum=3");
      h.restart();

      h.at(1_160);
      h.state(d).add(4);
      assertThat(h.state(d).get()).isEqualTo(onRead ? "sum=7" : "sum=4");
      h.restart();

      h.at(2_000);
      assertThat(h.state(d).get()).isEqualTo(returns ? (onRead ? "sum=7" : "sum=4") : null);
      assertThat(h.state(d).get()).isNull();
      assertThat(h.keys(d)).isEmpty();
    }
  }

  /** Sums integers into a long and shows the sum as text. */
  static final class SumAsText implements AggregateFunction<Integer, Long, String> {
    @Override
    public Long createAccumulator() {
      return 0L;
    }

    @Override
    public Long add(Integer value, Long accumulator) {
      return accumulator + value;
    }

    @Override
    public String getResult(Long accumulator) {
      return "sum=" + accumulator;
    }
  }

  static <K, V> Map<K, V> toMap(MapState<K, V> state) {
    Map<K, V> map = new HashMap<>();
    state.entries().forEach(e -> map.put(e.getKey(), e.getValue()));
    return map;
  }

  static <K, V> Map<K, V> mapOf(K key, V value) {
    Map<K, V> map = new HashMap<>();
    map.put(key, value);
    return map;
  }
}
