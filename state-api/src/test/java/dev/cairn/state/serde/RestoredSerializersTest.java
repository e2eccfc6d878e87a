package dev.cairn.state.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.SerializationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Serializers and generic readers rebuilt from stored snapshots alone, as offline tools use them. */
class RestoredSerializersTest {

  enum Level { LOW, HIGH }

  record Address(String city, int zip) {}

  record Person(String name, long age, Level level, Address address, List<String> tags, Optional<Double> score,
      Map<String, Long> counts) {}

  private static <T> byte[] bytes(TypeSerializer<T> serializer, T value) {
    DataOutputBuffer out = new DataOutputBuffer();
    serializer.serialize(value, out);
    return out.toByteArray();
  }

  /** The snapshot as read back from its bytes: what a tool gets from a checkpoint. */
  private static TypeSerializerSnapshot<?> stored(TypeSerializer<?> serializer) {
    return SerializerSnapshots.fromBytes(SerializerSnapshots.toBytes(serializer.snapshot()));
  }

  @Test
  void exact_rebuildsScalarsAndCollectionsOfThem_notRecordsEnumsOrKryo() {
    TypeSerializer<Map<String, List<Long>>> nested = Serializers.mapOf(Serializers.STRING, Serializers.listOf(Serializers.LONG));
    TypeSerializer<?> rebuilt = RestoredSerializers.exact(stored(nested)).orElseThrow();
    assertThat(rebuilt.snapshot()).isEqualTo(nested.snapshot());
    @SuppressWarnings("unchecked")
    TypeSerializer<Object> raw = (TypeSerializer<Object>) rebuilt;
    Map<String, List<Long>> value = Map.of("a", List.of(1L, 2L));
    assertThat(raw.deserialize(new DataInputBuffer(bytes(nested, value)))).isEqualTo(value);
    assertThat(raw.stableHash(value)).isEqualTo(nested.stableHash(value));
    assertThat(RestoredSerializers.exact(stored(Serializers.optionalOf(Serializers.LONG_ARRAY)))).isPresent();
    assertThat(RestoredSerializers.exact(stored(Serializers.record(Address.class)))).isEmpty();
    assertThat(RestoredSerializers.exact(stored(Serializers.enumOf(Level.class)))).isEmpty();
    assertThat(RestoredSerializers.exact(stored(Serializers.kryo(long[].class)))).isEmpty();
  }

  @Test
  void generic_readsRecordsAsMapsOfComponents_enumsAsNames() {
    TypeSerializer<Person> serializer = Serializers.record(Person.class);
    Person person = new Person("ann", 42, Level.HIGH, new Address("Oslo", 150), List.of("x", "y"), Optional.empty(),
        Map.of("k", 7L));
    Object generic = RestoredSerializers.generic(stored(serializer)).orElseThrow()
        .read(new DataInputBuffer(bytes(serializer, person)));
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("name", "ann");
    expected.put("age", 42L);
    expected.put("level", "HIGH");
    expected.put("address", Map.of("city", "Oslo", "zip", 150));
    expected.put("tags", List.of("x", "y"));
    expected.put("score", Optional.empty());
    expected.put("counts", Map.of("k", 7L));
    assertThat(generic).isEqualTo(expected);
    assertThat(List.copyOf(((Map<?, ?>) generic).keySet())).isEqualTo(List.copyOf(expected.keySet()));

    Person nulls = new Person(null, 1, null, null, null, Optional.of(0.5), null);
    Map<?, ?> read = (Map<?, ?>) RestoredSerializers.generic(stored(serializer)).orElseThrow()
        .read(new DataInputBuffer(bytes(serializer, nulls)));
    assertThat(read.get("name")).isNull();
    assertThat(read.get("score")).isEqualTo(Optional.of(0.5));
  }

  @Test
  void generic_kryoHasNoReader_andCorruptBytesFail() {
    assertThat(RestoredSerializers.generic(stored(Serializers.kryo(long[].class)))).isEmpty();
    assertThat(RestoredSerializers.generic(stored(Serializers.enumOf(Level.class))).orElseThrow()
        .read(new DataInputBuffer(new byte[] {1}))).isEqualTo("HIGH");
    assertThatThrownBy(() -> RestoredSerializers.generic(stored(Serializers.enumOf(Level.class))).orElseThrow()
        .read(new DataInputBuffer(new byte[] {5}))).isInstanceOf(SerializationException.class).hasMessageContaining("constant 5");
    assertThatThrownBy(() -> RestoredSerializers.generic(stored(Serializers.optionalOf(Serializers.LONG))).orElseThrow()
        .read(new DataInputBuffer(new byte[] {7}))).isInstanceOf(SerializationException.class).hasMessageContaining("presence byte 7");
  }
}
