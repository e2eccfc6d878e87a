package dev.cairn.ttl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.ListState;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * "TTL prevents unbounded state growth", measured: a stream of ever-new keys, each written once, one
 * per millisecond of a manual clock, TTL 2 s, so about rate × TTL = 2,000 keys are live at any time.
 * With the default configuration (incremental cleanup, 2 keys checked per write) the stored keys
 * level off near that instead of growing with the stream.
 */
class BoundedSizeTest {

  private static final int TTL_MILLIS = 2_000;
  private static final ValueStateDescriptor<byte[]> PAYLOAD = StateDescriptors.value("payload", Serializers.BYTES);

  /** Writes {@code records} new keys and returns the stored key count after each tenth of them. */
  private static List<Long> run(TtlHarness h, int records) {
    List<Long> samples = new ArrayList<>();
    byte[] payload = new byte[100];
    for (long key = 0; key < records; key++) {
      h.key(key).at(key);
      ValueState<byte[]> state = h.state(PAYLOAD);
      state.update(payload);
      if ((key + 1) % (records / 10) == 0) {
        samples.add(h.storedKeys(PAYLOAD));
      }
    }
    return samples;
  }

  private static TtlConfig byDefault() {
    return TtlConfig.builder(Duration.ofMillis(TTL_MILLIS)).build();
  }

  @Test
  void heap_everNewKeysWithDefaultCleanup_storedKeysLevelOffNearRateTimesTtl() {
    try (TtlHarness h = new TtlHarness(Backends.HEAP, byDefault())) {
      List<Long> samples = run(h, 100_000);

      // one key per ms for 100 s: without cleanup 100,000 keys would be stored
      assertThat(samples.subList(2, 10)).allSatisfy(n -> assertThat(n).isBetween((long) TTL_MILLIS, 2L * TTL_MILLIS));
    }
  }

  @Test
  void rocksDb_everNewKeysWithDefaultCleanup_storedKeysAndLiveDataSizeLevelOff() {
    try (TtlHarness h = new TtlHarness(Backends.ROCKSDB, byDefault())) {
      List<Long> liveData = new ArrayList<>();
      List<Long> samples = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        int start = round * 50_000;
        byte[] payload = new byte[100];
        for (long key = start; key < start + 50_000; key++) {
          h.key(key).at(key);
          h.state(PAYLOAD).update(payload);
        }
        samples.add(h.storedKeys(PAYLOAD));
        liveData.add(RocksDbStateBackend.aggregatedLongProperty(h.backend.wrapped(), "rocksdb.estimate-live-data-size"));
      }

      assertThat(samples).allSatisfy(n -> assertThat(n).isBetween((long) TTL_MILLIS, 2L * TTL_MILLIS));
      // 200,000 entries of ~120 bytes would be ~24 MB; live ones are ~2,000 (~250 kB, partly in memtables)
      assertThat(liveData).allSatisfy(bytes -> assertThat(bytes).isBetween(1L, 2L * TTL_MILLIS * 130));
      assertThat(liveData.get(3)).isLessThanOrEqualTo(2 * liveData.get(0));
    }
  }

  private static final MapStateDescriptor<Integer, Long> MAP = StateDescriptors.map("sessions", Serializers.INT, Serializers.LONG);
  private static final ListStateDescriptor<Long> LIST = StateDescriptors.list("events", Serializers.LONG);

  /**
   * Churn on map and list state under the default cleanup: every ms one new key gets three map
   * entries and a list element, and an older, still live key gets a map entry replaced and an element
   * appended (writes that add no key). The cursor counts map entries, so a round must cover three
   * entries per key and still keep up.
   */
  @ParameterizedTest
  @EnumSource(Backends.class)
  void mapAndListChurn_withDefaultCleanup_storedKeysLevelOffNearRateTimesTtl(Backends backend) {
    try (TtlHarness h = new TtlHarness(backend, byDefault())) {
      List<Long> mapKeys = new ArrayList<>();
      List<Long> listKeys = new ArrayList<>();
      int records = 40_000;
      for (long key = 0; key < records; key++) {
        h.key(key).at(key);
        MapState<Integer, Long> map = h.state(MAP);
        ListState<Long> list = h.state(LIST);
        for (int entry = 0; entry < 3; entry++) {
          map.put(entry, key);
        }
        list.add(key);
        if (key >= 100) {
          h.key(key - 100 + (key % 7)); // live: written about 100 ms ago, so it lives ~2,100 ms
          h.state(MAP).put(1, key);
          h.state(LIST).add(key);
        }
        if ((key + 1) % (records / 10) == 0) {
          mapKeys.add(h.storedKeys(MAP));
          listKeys.add(h.storedKeys(LIST));
        }
      }

      // without cleanup 40,000 keys would be stored in each state; ~2,100 are live at any time
      assertThat(mapKeys.subList(2, 10)).allSatisfy(n -> assertThat(n).isBetween((long) TTL_MILLIS, 2L * TTL_MILLIS));
      assertThat(listKeys.subList(2, 10)).allSatisfy(n -> assertThat(n).isBetween((long) TTL_MILLIS, 2L * TTL_MILLIS));
    }
  }
}
