package dev.cairn.state.serde;

import static dev.cairn.state.kit.HostileBytes.fuzz;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.StateKind;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyedSnapshotReader;
import dev.cairn.state.spi.KeyedSnapshotWriter;
import dev.cairn.state.spi.StateMetaInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated bytes for every serializer, serializer snapshots and the canonical snapshot
 * reader: each returns a value or throws a {@code StateException}, in the small heap of the {@code
 * fuzz} surefire execution.
 */
@Tag("fuzz")
class DecodingFuzzTest {

  enum Color { RED, GREEN }

  record Inner(int n, String s) {}

  record Everything(
      long l, Integer boxed, String s, byte[] b, long[] longs, int[] ints, double[] doubles, Color color,
      List<String> list, Map<String, List<Long>> map, Inner inner, boolean flag, char c, float f) {}

  static final class Pojo {
    String name;
    ArrayList<Object> items;
    HashMap<String, Object> attributes;
    Object[] objects;
    String[] strings;
    int[] ints;
  }

  private static Pojo pojo() {
    Pojo p = new Pojo();
    p.name = "pojo-é";
    p.items = new ArrayList<>(Arrays.asList("a", 1L, null, new ArrayList<>(List.of("nested"))));
    p.attributes = new HashMap<>(Map.of("k", "v", "n", 2));
    p.objects = new Object[] {"x", null, 3};
    p.strings = new String[] {"s", null};
    p.ints = new int[] {1, -1};
    return p;
  }

  /** A serializer with a value to mutate. */
  private record Case<T>(TypeSerializer<T> serializer, T value) {
    byte[] bytes() {
      DataOutputBuffer out = new DataOutputBuffer();
      serializer.serialize(value, out);
      return out.toByteArray();
    }

    void decode(byte[] bytes) {
      DataInputBuffer in = new DataInputBuffer(bytes);
      serializer.deserialize(in);
    }
  }

  private static List<Case<?>> cases() {
    Class<?>[] pojoClasses = {Pojo.class, ArrayList.class, HashMap.class, Object[].class, String[].class, int[].class};
    return List.of(
        new Case<>(Serializers.LONG, 42L), new Case<>(Serializers.INT, -7), new Case<>(Serializers.SHORT, (short) 3),
        new Case<>(Serializers.BYTE, (byte) 1), new Case<>(Serializers.BOOLEAN, true), new Case<>(Serializers.DOUBLE, 1.5),
        new Case<>(Serializers.FLOAT, 2.5f), new Case<>(Serializers.CHAR, 'x'), new Case<>(Serializers.STRING, "héllo, 日本"),
        new Case<>(Serializers.BYTES, new byte[] {1, 2, 3}),
        new Case<>(Serializers.LONG_ARRAY, new long[] {1, 2}), new Case<>(Serializers.INT_ARRAY, new int[] {3}),
        new Case<>(Serializers.DOUBLE_ARRAY, new double[] {0.5, 1}),
        new Case<>(Serializers.listOf(Serializers.listOf(Serializers.STRING)), List.of(List.of("a"), List.of(), List.of("b", "c"))),
        new Case<>(Serializers.mapOf(Serializers.STRING, Serializers.mapOf(Serializers.INT, Serializers.BYTES)),
            Map.of("a", Map.of(1, new byte[] {9}), "b", Map.of())),
        new Case<>(Serializers.enumOf(Color.class), Color.GREEN),
        new Case<>(Serializers.record(Everything.class), new Everything(1, null, "s", new byte[] {1}, new long[] {2, 3},
            new int[] {4}, new double[] {5}, Color.RED, List.of("x"), Map.of("k", List.of(6L)), new Inner(7, "i"), true,
            'c', 8f)),
        new Case<>(Serializers.kryo(Pojo.class, Arrays.copyOfRange(pojoClasses, 1, pojoClasses.length)), pojo()),
        new Case<>(Serializers.unsafeKryoWithoutRegistration(Object.class), pojo()),
        new Case<>(Serializers.kryoCompatibleFields(Pojo.class, Arrays.copyOfRange(pojoClasses, 1, pojoClasses.length)),
            pojo()),
        new Case<>(Serializers.pojo(Account.class), account()),
        new Case<>(Serializers.migrating("fuzz", Serializers.STRING, Serializers.STRING, String::trim), "migrated"),
        new Case<>(AvroSerializers.generic(AVRO), avro()));
  }

  /** A POJO of Cairn's own serializers. */
  static final class Account {
    String owner;
    long cents;
    List<Inner> history;
  }

  private static Account account() {
    Account a = new Account();
    a.owner = "ann";
    a.cents = 42;
    a.history = List.of(new Inner(1, "x"), new Inner(2, null));
    return a;
  }

  private static final org.apache.avro.Schema AVRO = new org.apache.avro.Schema.Parser().parse("""
      {"type": "record", "name": "Fuzzed", "fields": [
        {"name": "name", "type": "string"},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "counts", "type": {"type": "map", "values": "long"}},
        {"name": "note", "type": ["null", "bytes"]},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
        {"name": "id", "type": {"type": "fixed", "name": "Id", "size": 4}},
        {"name": "next", "type": ["null", "Fuzzed"]}]}""");

  private static org.apache.avro.generic.GenericRecord avro() {
    org.apache.avro.generic.GenericRecord r = new org.apache.avro.generic.GenericData.Record(AVRO);
    r.put("name", "avro-é");
    r.put("tags", List.of("a", "b"));
    r.put("counts", Map.of("k", 1L));
    r.put("note", java.nio.ByteBuffer.wrap(new byte[] {1, 2}));
    r.put("kind", new org.apache.avro.generic.GenericData.EnumSymbol(AVRO.getField("kind").schema(), "B"));
    r.put("id", new org.apache.avro.generic.GenericData.Fixed(AVRO.getField("id").schema(), new byte[] {1, 2, 3, 4}));
    org.apache.avro.generic.GenericRecord next = new org.apache.avro.generic.GenericData.Record(AVRO);
    next.put("name", "n");
    next.put("tags", List.of());
    next.put("counts", Map.of());
    next.put("kind", new org.apache.avro.generic.GenericData.EnumSymbol(AVRO.getField("kind").schema(), "A"));
    next.put("id", new org.apache.avro.generic.GenericData.Fixed(AVRO.getField("id").schema(), new byte[4]));
    r.put("next", next);
    return r;
  }

  @Test
  void everySerializer_mutatedBytes_giveAValueOrAStateException() {
    long seed = 1;
    for (Case<?> c : cases()) {
      fuzz(c.serializer().toString(), c.bytes(), seed++, c::decode);
    }
  }

  @Test
  void everySerializerSnapshot_mutatedBytes_giveASnapshotOrAStateException() {
    long seed = 100;
    for (Case<?> c : cases()) {
      fuzz(c.serializer() + " snapshot", SerializerSnapshots.toBytes(c.serializer().snapshot()), seed++,
          SerializerSnapshots::fromBytes);
    }
  }

  private static final List<StateMetaInfo> STATES = List.of(
      new StateMetaInfo("count", StateKind.VALUE, Serializers.LONG.snapshot(), null),
      new StateMetaInfo("events", StateKind.LIST, Serializers.STRING.snapshot(), null),
      new StateMetaInfo("attrs", StateKind.MAP, Serializers.LONG.snapshot(), Serializers.STRING.snapshot()));

  private static byte[] canonicalStream() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    KeyedSnapshotWriter writer = new KeyedSnapshotWriter(out, 128, new KeyGroupRange(0, 127), Serializers.LONG.snapshot(), STATES);
    byte[] key = {0, 0, 0, 0, 0, 0, 0, 1};
    byte[] value = {0, 0, 0, 0, 0, 0, 0, 2};
    for (int g = 3; g < 5; g++) {
      writer.beginSection(g, 0);
      writer.writeValue(key, key.length, value, value.length);
      writer.endSection();
      writer.beginSection(g, 1);
      writer.writeList(key, key.length, List.of(new byte[] {1, 'a'}, new byte[0]));
      writer.endSection();
      writer.beginSection(g, 2);
      writer.writeMapEntry(key, key.length, new byte[] {1, 'k'}, 2, value, value.length);
      writer.writeMapEntry(key, key.length, new byte[] {1, 'n'}, 2, null, 0);
      writer.endSection();
    }
    writer.finish();
    return out.toByteArray();
  }

  /** Counts entries and list elements, holding none. */
  private static final class Counting implements KeyedSnapshotReader.EntryVisitor {
    long elements;

    @Override
    public void value(int stateIndex, int keyGroup, byte[] key, byte[] value) {}

    @Override
    public void list(int stateIndex, int keyGroup, byte[] key, List<byte[]> list) {
      elements += list.size();
    }

    @Override
    public void mapEntry(int stateIndex, int keyGroup, byte[] key, byte[] userKey, byte[] value) {}
  }

  private static void readCanonical(byte[] stream) {
    KeyedSnapshotReader reader = new KeyedSnapshotReader(new ByteArrayInputStream(stream), "fuzzed stream");
    reader.readEntries(reader.keyGroupRange(), new Counting());
  }

  @Test
  void canonicalSnapshotReader_mutatedStreams_readOrThrowAStateException() throws IOException {
    fuzz("canonical snapshot reader", canonicalStream(), 200, DecodingFuzzTest::readCanonical);
  }

  private static byte[] listOfEmptyElements(int count) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(count + 1024);
    KeyedSnapshotWriter writer = new KeyedSnapshotWriter(out, 128, new KeyGroupRange(0, 127), Serializers.LONG.snapshot(), STATES);
    writer.beginSection(3, 1);
    byte[] key = {1};
    writer.writeList(key, key.length, new EmptyElements(count));
    writer.endSection();
    writer.finish();
    return out.toByteArray();
  }

  @Test
  void canonicalSnapshotReader_twentyMebibytesOfEmptyListElements_readInBoundedHeap() throws IOException {
    int count = 20 * 1024 * 1024;
    byte[] stream = listOfEmptyElements(count);
    KeyedSnapshotReader reader = new KeyedSnapshotReader(new ByteArrayInputStream(stream), "empty elements");
    Counting counting = new Counting();
    reader.readEntries(reader.keyGroupRange(), counting);
    assertThat(counting.elements).isEqualTo(count);
  }

  /** {@code count} empty elements without holding them. */
  private static final class EmptyElements extends AbstractList<byte[]> {
    private static final byte[] EMPTY = new byte[0];
    private final int size;

    EmptyElements(int size) {
      this.size = size;
    }

    @Override
    public byte[] get(int index) {
      return EMPTY;
    }

    @Override
    public int size() {
      return size;
    }
  }

  @Test
  void kryo_mutatedCollectionsOfEveryShape_giveAValueOrAStateException() {
    TypeSerializer<Object> open = Serializers.unsafeKryoWithoutRegistration(Object.class);
    Object[] shapes = {
      new TreeMap<>(Map.of("a", 1)), new LinkedHashMap<>(Map.of("b", 2)), new java.util.PriorityQueue<>(List.of(3, 1, 2)),
      Arrays.asList("x", null), new java.util.TreeSet<>(List.of("t")), new StringBuilder("sb"), new java.util.BitSet(70)
    };
    long seed = 300;
    for (Object shape : shapes) {
      fuzz("unsafeKryoWithoutRegistration " + shape.getClass().getName(), new Case<>(open, shape).bytes(), seed++,
          new Case<>(open, shape)::decode);
    }
  }
}
