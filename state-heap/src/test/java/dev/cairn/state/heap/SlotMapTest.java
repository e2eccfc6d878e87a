package dev.cairn.state.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import dev.cairn.state.spi.TimestampedSerializer;
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

  /** A timestamped value, as TTL's envelopes are; its payload may be null. */
  private record Stamped(long time, Long payload) {

    Stamped plus(Stamped other) {
      long sum = (payload == null ? 0 : payload) + (other.payload == null ? 0 : other.payload);
      return new Stamped(Math.max(time, other.time), sum);
    }
  }

  /** Splits {@link Stamped} values; only the split is used here, never the bytes. */
  private static final class StampedSerializer implements TimestampedSerializer<Object> {

    @Override
    public long timestamp(Object value) {
      return ((Stamped) value).time();
    }

    @Override
    public Object payload(Object value) {
      return ((Stamped) value).payload();
    }

    @Override
    public Object withTimestamp(long timestamp, Object payload) {
      return new Stamped(timestamp, (Long) payload);
    }

    @Override
    public void serialize(Object value, DataOutputBuffer out) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object deserialize(DataInputBuffer in) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isImmutable() {
      return true;
    }

    @Override
    public Object copy(Object value) {
      return value;
    }

    @Override
    public int stableHash(Object value) {
      return value.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<Object> snapshot() {
      throw new UnsupportedOperationException();
    }
  }

  @ParameterizedTest(name = "compact = {0}, timestamped = {1}")
  @CsvSource({"false, false", "true, false", "false, true", "true, true"})
  void behavesAsAHashMapUnderRandomPutsRemovesMergesAndComputes(boolean compact, boolean timestamped) {
    StampedSerializer timestamps = timestamped ? new StampedSerializer() : null;
    for (int hashes : new int[] {3, 50, Integer.MAX_VALUE}) { // heavy collisions .. none
      SplittableRandom random = new SplittableRandom(hashes);
      SlotMap<Key, Object> map = compact ? SlotMap.compact(0, timestamps) : new SlotMap<>(0, timestamps);
      Map<Key, Object> model = new HashMap<>();
      for (int step = 0; step < 200_000; step++) {
        int id = random.nextInt(400);
        Key key = new Key(id, Integer.hashCode(id) % hashes);
        long drawn = random.nextLong(1000);
        // timestamped: distinct times and payloads (some null) catch a timestamp left behind by a move
        Object value = timestamped ? new Stamped(random.nextLong(), drawn < 100 ? null : drawn) : (Object) drawn;
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
            Object one = timestamped ? new Stamped(step, 1L) : (Object) 1L;
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
    SlotMap<Long, Object> map = SlotMap.compact(0, new StampedSerializer());
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
