package dev.cairn.state.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.ScannableBackend;
import dev.cairn.state.spi.StateCursor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * {@link StateCursor}s ({@link ScannableBackend}): rounds that visit every entry and wrap around,
 * progress across calls while the state changes, the {@code select} filter per kind, and the
 * fallback for backends without the hook. Not part of {@link ConformanceKit}: backends implement it
 * with a factory of their own, next to tests of what is particular to them (read-ahead, caches).
 */
public interface StateCursorContract {

  ValueStateDescriptor<Long> VALUE = StateDescriptors.value("cursor-value", Serializers.LONG);
  ListStateDescriptor<Long> LIST = StateDescriptors.list("cursor-list", Serializers.LONG);
  MapStateDescriptor<Integer, Long> MAP = StateDescriptors.map("cursor-map", Serializers.INT, Serializers.LONG);
  Predicate<Object> ALL = stored -> true;

  /** Creates a new, empty backend of {@code Long} keys owning every key group. The test closes it. */
  KeyedStateBackend<Long> createCursorBackend();

  /** Writes {@code value = key} for keys {@code [from, to)}. */
  static void fill(KeyedStateBackend<Long> backend, long from, long to) {
    ValueState<Long> value = backend.getState(VALUE);
    for (long key = from; key < to; key++) {
      backend.setCurrentKey(key);
      value.update(key);
    }
  }

  /** Advances by {@code step} until the round ends; returns the keys passed, in order. */
  static List<Long> round(StateCursor<Long> cursor, int step, Predicate<Object> select) {
    List<Long> keys = new ArrayList<>();
    int calls = 0;
    while (cursor.advance(step, select, keys::add) == step) {
      assertThat(++calls).as("a round of a small state ends").isLessThan(1_000_000);
    }
    return keys;
  }

  @Test
  default void round_visitsEveryKeyOnce_thenStartsOverInTheSameOrder() {
    try (KeyedStateBackend<Long> backend = createCursorBackend()) {
      fill(backend, 0, 1_000);
      StateCursor<Long> cursor = ScannableBackend.cursor(backend, VALUE.name());

      List<Long> first = round(cursor, 7, ALL);
      List<Long> second = round(cursor, 3, ALL);

      assertThat(first).hasSize(1_000).doesNotHaveDuplicates();
      assertThat(new HashSet<>(first)).isEqualTo(keys(0, 1_000));
      assertThat(second).isEqualTo(first);
    }
  }

  @Test
  default void advance_countsEntries_andReturnsLessOnlyAtTheEndOfARound() {
    try (KeyedStateBackend<Long> backend = createCursorBackend()) {
      fill(backend, 0, 10);
      StateCursor<Long> cursor = ScannableBackend.cursor(backend, VALUE.name());
      List<Long> passed = new ArrayList<>();

      assertThat(cursor.advance(4, ALL, passed::add)).isEqualTo(4);
      assertThat(cursor.advance(4, ALL, passed::add)).isEqualTo(4);
      assertThat(cursor.advance(4, ALL, passed::add)).as("2 left in the round").isEqualTo(2);
      assertThat(cursor.advance(4, ALL, passed::add)).as("a new round").isEqualTo(4);

      assertThat(passed).hasSize(14);
      assertThat(passed.subList(10, 14)).isEqualTo(passed.subList(0, 4));
    }
  }

  @Test
  default void emptyState_roundEndsAtOnce_andLaterWritesAreVisited() {
    try (KeyedStateBackend<Long> backend = createCursorBackend()) {
      backend.getState(VALUE);
      StateCursor<Long> cursor = ScannableBackend.cursor(backend, VALUE.name());
      List<Long> passed = new ArrayList<>();

      assertThat(cursor.advance(5, ALL, passed::add)).isZero();
      fill(backend, 0, 3);
      assertThat(round(cursor, 5, ALL)).containsExactlyInAnyOrder(0L, 1L, 2L);
    }
  }

  @Test
  default void changesBetweenCalls_newKeysVisitedByTheNextRound_keptKeysInEveryRound() {
    try (KeyedStateBackend<Long> backend = createCursorBackend()) {
      fill(backend, 0, 2_000);
      ValueState<Long> value = backend.getState(VALUE);
      StateCursor<Long> cursor = ScannableBackend.cursor(backend, VALUE.name());
      Set<Long> visited = new HashSet<>();
      Set<Long> removed = new HashSet<>();
      long nextKey = 2_000;
      long removeNext = 0;
      // churn: every call removes one old key and adds two new ones (the tables grow and resize)
      while (cursor.advance(2, ALL, visited::add) == 2) {
        backend.setCurrentKey(removeNext);
        value.clear();
        removed.add(removeNext);
        removeNext += 3;
        fill(backend, nextKey, nextKey + 2);
        nextKey += 2;
      }
      assertThat(removed).as("the round went on while keys changed").hasSizeGreaterThan(500);

      Set<Long> next = new HashSet<>(round(cursor, 2, ALL));

      for (long key = 0; key < nextKey; key++) {
        if (removed.contains(key)) {
          assertThat(next).as("key %d, removed before the second round", key).doesNotContain(key);
        } else if (key < 2_000) {
          assertThat(visited).as("key %d, stored throughout the first round", key).contains(key);
          assertThat(next).as("key %d, never removed", key).contains(key);
        } else {
          assertThat(next).as("key %d, added during the first round", key).contains(key);
        }
      }
    }
  }

  @Test
  default void select_passesOnlyKeysWithASelectedValue() {
    try (KeyedStateBackend<Long> backend = createCursorBackend()) {
      fill(backend, 0, 100);
      StateCursor<Long> cursor = ScannableBackend.cursor(backend, VALUE.name());

      List<Long> even = round(cursor, 10, stored -> (Long) stored % 2 == 0);

      assertThat(even).hasSize(50).allMatch(key -> key % 2 == 0);
    }
  }

  @Test
  default void select_judgesEachEntryDuringTheCallThatVisitsIt() {
    try (KeyedStateBackend<Long> backend = createCursorBackend()) {
      fill(backend, 0, 300);
      StateCursor<Long> cursor = ScannableBackend.cursor(backend, VALUE.name());
      List<Long> passed = new ArrayList<>();

      assertThat(cursor.advance(1, stored -> false, passed::add)).isEqualTo(1); // a backend may read ahead here
      int visited = cursor.advance(100, stored -> true, passed::add); // e.g. a time-based filter, later

      assertThat(visited).isEqualTo(100);
      assertThat(passed).hasSize(100);
    }
  }

  @Test
  default void listState_oneEntryPerKey_passedIfAnyElementIsSelected() {
    try (KeyedStateBackend<Long> backend = createCursorBackend()) {
      ListState<Long> list = backend.getState(LIST);
      for (long key = 0; key < 50; key++) {
        backend.setCurrentKey(key);
        for (long element = 0; element < 5; element++) {
          list.add(key * 10 + element);
        }
      }
      StateCursor<Long> cursor = ScannableBackend.cursor(backend, LIST.name());
      List<Long> passed = new ArrayList<>();

      assertThat(cursor.advance(100, stored -> (Long) stored == 73L || (Long) stored == 444L, passed::add))
          .isEqualTo(50);
      assertThat(passed).containsExactlyInAnyOrder(7L, 44L);
    }
  }

  @Test
  default void mapState_oneEntryPerUserKey_keyPassedOncePerRun() {
    try (KeyedStateBackend<Long> backend = createCursorBackend()) {
      MapState<Integer, Long> map = backend.getState(MAP);
      for (long key = 0; key < 20; key++) {
        backend.setCurrentKey(key);
        for (int userKey = 0; userKey < 10; userKey++) {
          map.put(userKey, key == 5 ? Long.valueOf(5) : key == 6 && userKey == 9 ? null : Long.valueOf(0));
        }
      }
      StateCursor<Long> cursor = ScannableBackend.cursor(backend, MAP.name());
      List<Long> passed = new ArrayList<>();
      List<Object> seen = new ArrayList<>();

      int visited = 0;
      int step;
      while ((step = cursor.advance(200, stored -> {
        seen.add(stored);
        return stored == null || (Long) stored == 5L;
      }, passed::add)) > 0) {
        visited += step;
        if (step < 200) {
          break;
        }
      }

      assertThat(visited).isEqualTo(200);
      assertThat(seen).as("values of a key after a selected one may be skipped").containsOnlyOnce((Object) null);
      assertThat(passed).containsExactlyInAnyOrder(5L, 6L);
    }
  }

  @Test
  default void mapState_aKeysMapSpreadOverCalls_isVisitedEntryByEntry() {
    try (KeyedStateBackend<Long> backend = createCursorBackend()) {
      MapState<Integer, Long> map = backend.getState(MAP);
      backend.setCurrentKey(1L);
      for (int userKey = 0; userKey < 10; userKey++) {
        map.put(userKey, (long) userKey);
      }
      StateCursor<Long> cursor = ScannableBackend.cursor(backend, MAP.name());
      List<Object> seen = new ArrayList<>();
      Predicate<Object> record = stored -> seen.add(stored) && false;

      assertThat(cursor.advance(3, record, key -> {})).isEqualTo(3);
      assertThat(cursor.advance(3, record, key -> {})).isEqualTo(3);
      assertThat(cursor.advance(3, record, key -> {})).isEqualTo(3);
      assertThat(cursor.advance(3, record, key -> {})).isEqualTo(1);

      assertThat(seen).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }
  }

  @Test
  default void unknownState_andBadStep_failClearly() {
    try (KeyedStateBackend<Long> backend = createCursorBackend()) {
      fill(backend, 0, 1);
      assertThatThrownBy(() -> ScannableBackend.cursor(backend, "no-such-state"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-state");
      StateCursor<Long> cursor = ScannableBackend.cursor(backend, VALUE.name());
      assertThatThrownBy(() -> cursor.advance(0, ALL, key -> {}))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }
  }

  @Test
  default void backendWithoutTheHook_getsRoundsOverACopyOfItsKeys() {
    try (KeyedStateBackend<Long> backend = new TrackingBackend<>(createCursorBackend())) {
      assertThat(backend).isNotInstanceOf(ScannableBackend.class);
      fill(backend, 0, 100);
      StateCursor<Long> cursor = ScannableBackend.cursor(backend, VALUE.name());

      List<Long> first = round(cursor, 7, stored -> false); // cannot read values: passes every key
      fill(backend, 100, 110);
      List<Long> second = round(cursor, 7, stored -> false);

      assertThat(new HashSet<>(first)).isEqualTo(keys(0, 100));
      assertThat(second).hasSize(110).doesNotHaveDuplicates();
      assertThatThrownBy(() -> ScannableBackend.cursor(backend, "no-such-state"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-state");
    }
  }

  private static Set<Long> keys(long from, long to) {
    Set<Long> keys = new HashSet<>();
    for (long key = from; key < to; key++) {
      keys.add(key);
    }
    return keys;
  }
}
