package dev.cairn.state.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.SnapshotException;
import dev.cairn.state.StateKind;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.serde.TypeSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class KeyedSnapshotFormatTest {

  private static final String DESCRIPTION = "chk-7/task-0/keyed-state";
  private static final int MAX_PARALLELISM = 128;
  private static final List<StateMetaInfo> STATES = List.of(
      new StateMetaInfo("count", StateKind.VALUE, Serializers.LONG.snapshot(), null),
      new StateMetaInfo("events", StateKind.LIST, Serializers.STRING.snapshot(), null),
      new StateMetaInfo("attrs", StateKind.MAP, Serializers.LONG.snapshot(), Serializers.STRING.snapshot()));

  /** Collects entries as readable lines: kind, state, group, key, contents. */
  private static final class Collector implements KeyedSnapshotReader.EntryVisitor {
    final List<String> lines = new ArrayList<>();

    @Override
    public void value(int stateIndex, int keyGroup, byte[] key, byte[] value) {
      lines.add("value " + stateIndex + " " + keyGroup + " " + hex(key) + " " + hex(value));
    }

    @Override
    public void list(int stateIndex, int keyGroup, byte[] key, List<byte[]> elements) {
      lines.add("list " + stateIndex + " " + keyGroup + " " + hex(key) + " " + elements.stream().map(KeyedSnapshotFormatTest::hex).toList());
    }

    @Override
    public void mapEntry(int stateIndex, int keyGroup, byte[] key, byte[] userKey, byte[] value) {
      lines.add("map " + stateIndex + " " + keyGroup + " " + hex(key) + " " + hex(userKey) + "=" + (value == null ? "null" : hex(value)));
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static <T> byte[] bytes(TypeSerializer<T> s, T v) {
    DataOutputBuffer out = new DataOutputBuffer();
    s.serialize(v, out);
    return out.toByteArray();
  }

  /** Writes keys 0..keys-1 with a value, a two-element list and two map entries (one null) each. */
  private static byte[] snapshot(int keys, KeyGroupRange range, List<String> expected) throws IOException {
    TreeMap<Integer, TreeSet<Long>> byGroup = new TreeMap<>();
    for (long k = 0; k < keys; k++) {
      int group = KeyGroups.assign(Serializers.LONG, k, MAX_PARALLELISM);
      if (range.contains(group)) {
        byGroup.computeIfAbsent(group, g -> new TreeSet<>()).add(k);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    KeyedSnapshotWriter writer = new KeyedSnapshotWriter(out, MAX_PARALLELISM, range, Serializers.LONG.snapshot(), STATES);
    for (Map.Entry<Integer, TreeSet<Long>> e : byGroup.entrySet()) {
      int g = e.getKey();
      writer.beginSection(g, 0);
      for (long k : e.getValue()) {
        byte[] key = bytes(Serializers.LONG, k);
        byte[] value = bytes(Serializers.LONG, k * 10);
        writer.writeValue(key, key.length, value, value.length);
        expected.add("value 0 " + g + " " + hex(key) + " " + hex(value));
      }
      writer.endSection();
      writer.beginSection(g, 1);
      for (long k : e.getValue()) {
        byte[] key = bytes(Serializers.LONG, k);
        List<byte[]> elements = List.of(bytes(Serializers.STRING, "e" + k), bytes(Serializers.STRING, "ü"));
        writer.writeList(key, key.length, elements);
        expected.add("list 1 " + g + " " + hex(key) + " " + elements.stream().map(KeyedSnapshotFormatTest::hex).toList());
      }
      writer.endSection();
      writer.beginSection(g, 2);
      for (long k : e.getValue()) {
        byte[] key = bytes(Serializers.LONG, k);
        byte[] a = bytes(Serializers.STRING, "a");
        byte[] v = bytes(Serializers.LONG, k);
        byte[] n = bytes(Serializers.STRING, "n");
        writer.writeMapEntry(key, key.length, a, a.length, v, v.length);
        writer.writeMapEntry(key, key.length, n, n.length, null, 0);
        expected.add("map 2 " + g + " " + hex(key) + " " + hex(a) + "=" + hex(v));
        expected.add("map 2 " + g + " " + hex(key) + " " + hex(n) + "=null");
      }
      writer.endSection();
    }
    writer.finish();
    assertThat(writer.entryCount()).isEqualTo(expected.size());
    return out.toByteArray();
  }

  private static long readAll(byte[] stream, KeyGroupRange filter, Collector collector) {
    KeyedSnapshotReader reader = new KeyedSnapshotReader(new ByteArrayInputStream(stream), DESCRIPTION);
    return reader.readEntries(filter, collector);
  }

  @Test
  void roundTrip_valueListAndMapEntriesAcrossGroups_readBackExactly() throws IOException {
    List<String> expected = new ArrayList<>();
    byte[] stream = snapshot(500, KeyGroupRange.all(MAX_PARALLELISM), expected);
    KeyedSnapshotReader reader = new KeyedSnapshotReader(new ByteArrayInputStream(stream), DESCRIPTION);
    assertThat(reader.maxParallelism()).isEqualTo(MAX_PARALLELISM);
    assertThat(reader.keyGroupRange()).isEqualTo(KeyGroupRange.all(MAX_PARALLELISM));
    assertThat(reader.keySerializer()).isEqualTo(Serializers.LONG.snapshot());
    assertThat(reader.states()).isEqualTo(STATES);
    Collector collector = new Collector();
    assertThat(reader.readEntries(KeyGroupRange.all(MAX_PARALLELISM), collector)).isEqualTo(expected.size());
    assertThat(collector.lines).containsExactlyElementsOf(expected);
    assertThat(collector.lines).anyMatch(l -> l.endsWith("=null"));
  }

  @Test
  void readEntries_filter_deliversOnlyGroupsInRange() throws IOException {
    List<String> expected = new ArrayList<>();
    byte[] stream = snapshot(500, KeyGroupRange.all(MAX_PARALLELISM), expected);
    KeyGroupRange filter = KeyGroupRange.forInstance(MAX_PARALLELISM, 3, 1);
    Collector collector = new Collector();
    long delivered = readAll(stream, filter, collector);
    List<String> inRange = expected.stream().filter(l -> filter.contains(Integer.parseInt(l.split(" ")[2]))).toList();
    assertThat(inRange).isNotEmpty().hasSizeLessThan(expected.size());
    assertThat(collector.lines).containsExactlyElementsOf(inRange);
    assertThat(delivered).isEqualTo(inRange.size());
  }

  @Test
  void roundTrip_emptySnapshot_readsNoEntries() throws IOException {
    byte[] stream = snapshot(0, new KeyGroupRange(3, 9), new ArrayList<>());
    Collector collector = new Collector();
    assertThat(readAll(stream, KeyGroupRange.all(MAX_PARALLELISM), collector)).isZero();
    assertThat(collector.lines).isEmpty();
  }

  private static void assertDamaged(byte[] stream, String what) {
    assertThatThrownBy(() -> readAll(stream, KeyGroupRange.all(MAX_PARALLELISM), new Collector()))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining(DESCRIPTION)
        .hasMessageContaining(what);
  }

  @Test
  void read_wrongMagicOrUnknownVersion_isSnapshotExceptionNamingTheStream() throws IOException {
    byte[] stream = snapshot(20, KeyGroupRange.all(MAX_PARALLELISM), new ArrayList<>());
    byte[] magic = stream.clone();
    magic[0] ^= 0x01;
    assertDamaged(magic, "magic");
    byte[] version = stream.clone();
    ByteBuffer.wrap(version).putInt(4, 99);
    assertDamaged(version, "version 99");
  }

  @Test
  void read_truncatedAtAnyOffset_isSnapshotExceptionNamingTheStream() throws IOException {
    byte[] stream = snapshot(30, KeyGroupRange.all(MAX_PARALLELISM), new ArrayList<>());
    for (int cut = 0; cut < stream.length; cut++) {
      byte[] truncated = Arrays.copyOf(stream, cut);
      assertThatThrownBy(() -> readAll(truncated, KeyGroupRange.all(MAX_PARALLELISM), new Collector()))
          .as("cut at %d of %d", cut, stream.length)
          .isInstanceOf(SnapshotException.class)
          .hasMessageContaining(DESCRIPTION);
    }
  }

  @Test
  void read_flippedEntryMarker_isSnapshotException() throws IOException {
    byte[] stream = snapshot(20, KeyGroupRange.all(MAX_PARALLELISM), new ArrayList<>());
    int headerLength = ByteBuffer.wrap(stream).getInt(8);
    int firstMarker = 12 + headerLength + 4 + 1; // keyGroup int, stateIndex var-int
    assertThat(stream[firstMarker]).isEqualTo((byte) 1);
    byte[] damaged = stream.clone();
    damaged[firstMarker] = 7;
    assertDamaged(damaged, "bad entry marker 7");
  }

  @Test
  void read_wrongTrailerCountOrTrailingBytes_isSnapshotException() throws IOException {
    byte[] stream = snapshot(20, KeyGroupRange.all(MAX_PARALLELISM), new ArrayList<>());
    byte[] count = stream.clone();
    ByteBuffer buffer = ByteBuffer.wrap(count);
    buffer.putLong(count.length - 8, buffer.getLong(count.length - 8) + 1);
    assertDamaged(count, "trailer declares");
    assertDamaged(Arrays.copyOf(stream, stream.length + 1), "trailing bytes");
  }

  @Test
  void read_sectionOutsideRangeOrUnknownState_isSnapshotException() throws IOException {
    byte[] stream = snapshot(20, new KeyGroupRange(0, 127), new ArrayList<>());
    int headerLength = ByteBuffer.wrap(stream).getInt(8);
    int sectionStart = 12 + headerLength;
    byte[] group = stream.clone();
    ByteBuffer.wrap(group).putInt(sectionStart, 500);
    assertDamaged(group, "key group 500");
    byte[] state = stream.clone();
    state[sectionStart + 4] = 9;
    assertDamaged(state, "unknown state index 9");
    byte[] varInt = Arrays.copyOf(stream, stream.length + 4);
    System.arraycopy(stream, sectionStart + 5, varInt, sectionStart + 9, stream.length - sectionStart - 5);
    System.arraycopy(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10}, 0, varInt, sectionStart + 4, 5);
    assertDamaged(varInt, "bad var-int");
  }

  @Test
  void writer_misuse_failsFast() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThatThrownBy(() -> new KeyedSnapshotWriter(out, 64, new KeyGroupRange(0, 64), Serializers.LONG.snapshot(), STATES))
        .isInstanceOf(IllegalArgumentException.class);
    KeyedSnapshotWriter writer =
        new KeyedSnapshotWriter(out, MAX_PARALLELISM, new KeyGroupRange(0, 9), Serializers.LONG.snapshot(), STATES);
    assertThatThrownBy(() -> writer.beginSection(10, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.beginSection(0, 3)).isInstanceOf(IllegalArgumentException.class);
    writer.beginSection(0, 1);
    byte[] key = {1};
    assertThatThrownBy(() -> writer.writeValue(key, 1, key, 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> writer.writeList(key, 1, List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(writer::finish).isInstanceOf(IllegalStateException.class);
    writer.endSection();
    writer.finish();
    assertThatThrownBy(() -> writer.beginSection(0, 0)).isInstanceOf(IllegalStateException.class);
  }
}
