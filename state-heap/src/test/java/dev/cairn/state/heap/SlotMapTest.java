package dev.cairn.state.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.heap.StampedValues.Stamped;
import dev.cairn.state.serde.Serializers;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlotMapTest {

  /** A key whose hash is chosen, so that runs of colliding keys can be built on purpose. */
  private record Key(int id, int hash) {
    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** How the map under test stores values, and the values drawn for it. */
  enum Values {
    WHOLE(null),
    TIMESTAMPED(ValueSplit.of(new StampedValues.Serializer(), false)),
    LONGS(ValueSplit.of(Serializers.LONG, true));

    final ValueSplit<Object> split;

    Values(ValueSplit<Object> split) {
      this.split = split;
    }

    /**
     * A value from {@code drawn} (0..999): timestamped ones with distinct times and some null payloads,
     * which catch a timestamp left behind by a move; {@code Long}s of either sign.
     */
    Object value(long drawn, long time) {
      return switch (this) {
        case WHOLE -> drawn;
        case TIMESTAMPED -> new Stamped(time, drawn < 100 ? null : drawn);
        case LONGS -> drawn - 500;
      };
    }
  }

  @ParameterizedTest(name = "compact = {0}, values = {1}")
  @CsvSource({"false, WHOLE", "true, WHOLE", "false, TIMESTAMPED", "true, TIMESTAMPED", "false, LONGS", "true, LONGS"})
  void behavesAsAHashMapUnderRandomPutsRemovesMergesAndComputes(boolean compact, Values values) {
    for (int hashes : new int[] {3, 50, Integer.MAX_VALUE}) { // heavy collisions .. none
      SplittableRandom random = new SplittableRandom(hashes);
      SlotMap<Key, Object> map = compact ? SlotMap.compact(0, values.split) : new SlotMap<>(0, values.split);
      Map<Key, Object> model = new HashMap<>();
      for (int step = 0; step < 200_000; step++) {
        int id = random.nextInt(400);
        Key key = new Key(id, Integer.hashCode(id) % hashes);
        Object value = values.value(random.nextLong(1000), random.nextLong());
        switch (random.nextInt(5)) {
          case 0 -> {
            map.put(key, value);
            model.put(key, value);
          }
          case 1 -> assertThat(map.remove(key)).isEqualTo(model.remove(key) != null);
          case 2 -> {
            map.merge(key, value, SlotMapTest::sum);
            model.merge(key, value, SlotMapTest::sum);
          }
          case 3 -> {
            Object one = values == Values.TIMESTAMPED ? new Stamped(step, 1L) : (Object) 1L;
            map.compute(key, (k, old) -> old == null ? one : sum(old, one));
            model.compute(key, (k, old) -> old == null ? one : sum(old, one));
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

  private static Object sum(Object a, Object b) {
    return a instanceof Stamped stamped ? stamped.plus((Stamped) b) : (Object) ((Long) a + (Long) b);
  }

  @Test
  void aTimestampedMapKeepsTheTimestampApartAndRebuildsEqualValues() {
    SlotMap<Long, Object> map = SlotMap.compact(0, ValueSplit.of(new StampedValues.Serializer(), false));
    Stamped stored = new Stamped(42, 7L);
    map.put(1L, stored);
    map.put(2L, new Stamped(43, null));
    assertThat(map.get(1L)).isEqualTo(stored).isNotSameAs(stored); // rebuilt: the envelope was not kept
    assertThat(map.get(2L)).isEqualTo(new Stamped(43, null));
    assertThat(map.get(3L)).isNull();
    assertThatThrownBy(() -> map.put(3L, null)).isInstanceOf(RuntimeException.class);
    assertThat(map.containsKey(3L)).as("a value that cannot be stored leaves no key").isFalse();
    assertThat(map.size()).isEqualTo(2);
  }

  @Test
  void aLongMapRebuildsNumbers_aNullOrAValueOfAnotherTypeChangesNothing() {
    SlotMap<Long, Object> map = new SlotMap<>(0, ValueSplit.of(Serializers.LONG, true));
    map.put(1L, 1_000_000L);
    map.put(3L, Long.MIN_VALUE);
    assertThat(map.get(1L)).isEqualTo(1_000_000L);
    assertThat(map.get(3L)).isEqualTo(Long.MIN_VALUE);
    assertThat(map.get(2L)).isNull();
    assertThatThrownBy(() -> map.put(4L, "not a long")).isInstanceOf(ClassCastException.class);
    assertThatThrownBy(() -> map.put(1L, "not a long")).isInstanceOf(ClassCastException.class);
    assertThatThrownBy(() -> map.put(2L, null)).isInstanceOf(NullPointerException.class);
    assertThat(map.containsKey(4L)).isFalse();
    assertThat(map.containsKey(2L)).isFalse();
    assertThat(map.get(1L)).isEqualTo(1_000_000L);
    assertThat(map.size()).isEqualTo(2);
  }

  @Test
  void aTableMapStaysAtMostHalfFull_aCompactMapFillsToThreeQuarters() {
    SlotMap<Long, Long> table = new SlotMap<>(0);
    SlotMap<Long, Long> compact = SlotMap.compact(0, null);
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
