package dev.cairn.state.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SlotMapTest {

  /** A key whose hash is chosen, so that runs of colliding keys can be built on purpose. */
  private record Key(int id, int hash) {
    @Override
    public int hashCode() {
      return hash;
    }
  }

  @ParameterizedTest(name = "compact = {0}")
  @ValueSource(booleans = {false, true})
  void behavesAsAHashMapUnderRandomPutsRemovesMergesAndComputes(boolean compact) {
    for (int hashes : new int[] {3, 50, Integer.MAX_VALUE}) { // heavy collisions .. none
      SplittableRandom random = new SplittableRandom(hashes);
      SlotMap<Key, Object> map = compact ? SlotMap.compact(0) : new SlotMap<>(0);
      Map<Key, Object> model = new HashMap<>();
      for (int step = 0; step < 200_000; step++) {
        int id = random.nextInt(400);
        Key key = new Key(id, Integer.hashCode(id) % hashes);
        Long value = random.nextLong(1000);
        switch (random.nextInt(5)) {
          case 0 -> {
            map.put(key, value);
            model.put(key, value);
          }
          case 1 -> assertThat(map.remove(key)).isEqualTo(model.remove(key) != null);
          case 2 -> {
            map.merge(key, value, (a, b) -> (Long) a + (Long) b);
            model.merge(key, value, (a, b) -> (Long) a + (Long) b);
          }
          case 3 -> {
            map.compute(key, (k, old) -> old == null ? 1L : (Long) old + 1);
            model.compute(key, (k, old) -> old == null ? 1L : (Long) old + 1);
          }
          default -> assertThat(map.get(key)).isEqualTo(model.get(key));
        }
        assertThat(map.containsKey(key)).isEqualTo(model.containsKey(key));
        if (step % 10_000 == 0) {
          assertThat(contents(map)).isEqualTo(model);
          assertThat(contents(new SlotMap<>(map, 1))).isEqualTo(model);
        }
      }
      assertThat(contents(map)).isEqualTo(model);
      assertThat(map.size()).isEqualTo(model.size());
    }
  }

  @Test
  void aTableMapStaysAtMostHalfFull_aCompactMapFillsToThreeQuarters() {
    SlotMap<Long, Long> table = new SlotMap<>(0);
    SlotMap<Long, Long> compact = SlotMap.compact(0);
    for (long k = 0; k < 10; k++) {
      table.put(k, k);
      compact.put(k, k);
    }
    assertThat(table.capacity()).isEqualTo(32);
    assertThat(compact.capacity()).isEqualTo(16);
    for (long k = 10; k < 12; k++) {
      compact.put(k, k);
    }
    assertThat(compact.capacity()).as("12 of 16 pairs").isEqualTo(16);
    compact.put(12L, 12L);
    assertThat(compact.capacity()).isEqualTo(32);
    SlotMap<Long, Long> copy = new SlotMap<>(compact, 1);
    for (long k = 13; k < 24; k++) {
      copy.put(k, k);
    }
    assertThat(copy.capacity()).as("a copy keeps its source's limit: 24 of 32 pairs").isEqualTo(32);
  }

  @Test
  void aCopyIsIndependentOfItsSource() {
    SlotMap<Long, Long> source = new SlotMap<>(3);
    for (long k = 0; k < 100; k++) {
      source.put(k, k);
    }
    SlotMap<Long, Long> copy = new SlotMap<>(source, 4);
    copy.put(1L, -1L);
    copy.remove(2L);
    for (long k = 100; k < 200; k++) {
      copy.put(k, k);
    }
    assertThat(copy.version).isEqualTo(4);
    assertThat(source.size()).isEqualTo(100);
    assertThat(source.get(1L)).isEqualTo(1L);
    assertThat(source.get(2L)).isEqualTo(2L);
    assertThat(source.containsKey(150L)).isFalse();
    assertThat(copy.size()).isEqualTo(199);
  }

  @Test
  void aThrowingRemappingChangesNothing() {
    SlotMap<Long, Long> map = new SlotMap<>(0);
    map.put(1L, 10L);
    assertThatThrownBy(() -> map.merge(1L, 5L, (a, b) -> {
      throw new IllegalStateException("no");
    })).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> map.compute(2L, (k, old) -> {
      throw new IllegalStateException("no");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(map.get(1L)).isEqualTo(10L);
    assertThat(map.containsKey(2L)).isFalse();
    assertThat(map.size()).isEqualTo(1);
  }

  private static <K> Map<K, Object> contents(SlotMap<K, ?> map) {
    Map<K, Object> contents = new HashMap<>();
    int live = 0;
    for (int pair = 0; pair < map.capacity(); pair++) {
      if (map.keyAt(pair) != null) {
        contents.put(map.keyAt(pair), map.valueAt(pair));
        live++;
      }
    }
    assertThat(live).isEqualTo(map.size());
    return contents;
  }
}
