package dev.cairn.state.serde;

import static dev.cairn.state.serde.SerdeTesting.bytesOf;
import static dev.cairn.state.serde.SerdeTesting.read;
import static dev.cairn.state.serde.SerdeTesting.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cairn.state.SerializationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CompositeSerializersTest {

  enum Color { RED, GREEN, BLUE }

  record Point(int x, int y) {}

  record Account(String id, long balance) {}

  record User(
      String id, long visits, Integer age, Color color, byte[] avatar, List<String> tags,
      Map<String, List<Long>> counters, Point home, boolean active, char grade, double score) {}

  private record Hidden(String secret) {}

  record Node(String name, Node next) {}

  record ListNode(String name, List<ListNode> children) {}

  record WithSet(Set<String> values) {}

  record Box<T>(T value) {}

  record WithArray(float[] values) {}

  record Positive(int n) {
    Positive {
      if (n < 0) {
        throw new IllegalArgumentException("n must not be negative");
      }
    }
  }

  record Labeled(Object label) {}

  record Empty() {}

  private static final TypeSerializer<List<String>> STRINGS = Serializers.listOf(Serializers.STRING);
  private static final TypeSerializer<Map<String, Long>> COUNTS = Serializers.mapOf(Serializers.STRING, Serializers.LONG);

  // ---- lists

  @Test
  void list_nestedAndEmpty_roundTripAsArrayLists() {
    TypeSerializer<List<List<String>>> nested = Serializers.listOf(STRINGS);
    List<List<String>> value = List.of(List.of("a", "b"), List.of(), List.of("日本", ""));
    List<List<String>> read = roundTrip(nested, value);
    assertThat(read).isEqualTo(value).isInstanceOf(ArrayList.class);
    assertThat(roundTrip(STRINGS, List.of())).isEmpty();
  }

  @Test
  void list_nullElement_isRejectedNamingTheIndex() {
    List<String> withNull = Arrays.asList("a", null);
    assertThatThrownBy(() -> bytesOf(STRINGS, withNull))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("null element at index 1")
        .hasMessageContaining("list(cairn.string)");
  }

  @Test
  void list_copy_isDeepAndIndependent() {
    TypeSerializer<List<byte[]>> serializer = Serializers.listOf(Serializers.BYTES);
    List<byte[]> original = new ArrayList<>(List.of(new byte[] {1}));
    List<byte[]> copy = serializer.copy(original);
    copy.get(0)[0] = 9;
    copy.add(new byte[0]);
    assertThat(original).hasSize(1);
    assertThat(original.get(0)).containsExactly(1);
    assertThat(serializer.isImmutable()).isFalse();
  }

  @Test
  void list_hugeDeclaredCount_isSerializationExceptionNotOom() {
    byte[] bytes = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 1, 2, 3};
    assertThatThrownBy(() -> read(Serializers.listOf(Serializers.LONG), bytes)).isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> read(Serializers.listOf(Serializers.BYTE), bytes)).isInstanceOf(SerializationException.class);
  }

  @Test
  void list_ofZeroByteElements_isRefusedWhenWritten() {
    TypeSerializer<List<Empty>> serializer = Serializers.listOf(Serializers.record(Empty.class));
    assertThat(roundTrip(serializer, List.of())).isEmpty();
    assertThatThrownBy(() -> bytesOf(serializer, List.of(new Empty(), new Empty())))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("2 elements took 0 bytes");
  }

  @Test
  void list_hugeCountOfZeroByteElements_failsFastNotOom() {
    byte[] bytes = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
    TypeSerializer<List<Empty>> serializer = Serializers.listOf(Serializers.record(Empty.class));
    assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
        assertThatThrownBy(() -> read(serializer, bytes))
            .isInstanceOf(SerializationException.class)
            .hasMessageContaining("2147483647"));
  }

  @Test
  void map_hugeDeclaredCount_isSerializationExceptionBeforeReadingEntries() {
    byte[] bytes = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 1, 'k', 0};
    assertThatThrownBy(() -> read(COUNTS, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("declared length 2147483647");
  }

  @Test
  void stableHash_list_followsListHashCodeAndIsPinned() {
    TypeSerializer<List<Integer>> ints = Serializers.listOf(Serializers.INT);
    assertThat(ints.stableHash(List.of(1, 2))).isEqualTo(994);
    assertThat(ints.stableHash(List.of())).isEqualTo(1);
    assertThat(STRINGS.stableHash(List.of("user-1", "x"))).isEqualTo(List.of("user-1", "x").hashCode());
  }

  // ---- maps

  @Test
  void map_nullValuesAndNesting_roundTripAsHashMaps() {
    Map<String, Long> value = new HashMap<>();
    value.put("a", 1L);
    value.put("nothing", null);
    value.put("", Long.MIN_VALUE);
    Map<String, Long> read = roundTrip(COUNTS, value);
    assertThat(read).isEqualTo(value).isInstanceOf(HashMap.class).containsKey("nothing");
    TypeSerializer<Map<Long, Map<String, Long>>> nested = Serializers.mapOf(Serializers.LONG, COUNTS);
    assertThat(roundTrip(nested, Map.of(1L, Map.of(), 2L, Map.of("x", 3L)))).isEqualTo(Map.of(1L, Map.of(), 2L, Map.of("x", 3L)));
  }

  @Test
  void map_nullKey_isRejected() {
    Map<String, Long> value = new HashMap<>();
    value.put(null, 1L);
    assertThatThrownBy(() -> bytesOf(COUNTS, value))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("null key");
  }

  @Test
  void map_badPresenceByteOrDuplicateKey_isCorrupt() {
    DataOutputBuffer out = new DataOutputBuffer();
    out.writeVarInt(1);
    out.writeString("a");
    out.writeByte(2);
    assertThatThrownBy(() -> read(COUNTS, out.toByteArray()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("presence byte 2");
    out.reset();
    out.writeVarInt(2);
    out.writeString("a");
    out.writeByte(0);
    out.writeString("a");
    out.writeByte(0);
    assertThatThrownBy(() -> read(COUNTS, out.toByteArray()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("duplicate key a");
  }

  @Test
  void map_copy_isDeepAndIndependent() {
    TypeSerializer<Map<String, List<String>>> serializer = Serializers.mapOf(Serializers.STRING, STRINGS);
    Map<String, List<String>> original = new HashMap<>();
    original.put("k", new ArrayList<>(List.of("v")));
    original.put("none", null);
    Map<String, List<String>> copy = serializer.copy(original);
    copy.get("k").add("w");
    copy.put("new", List.of());
    assertThat(original).containsOnlyKeys("k", "none");
    assertThat(original.get("k")).containsExactly("v");
    assertThat(copy).containsEntry("none", null);
  }

  @Test
  void stableHash_map_isOrderIndependentAndPinned() {
    assertThat(COUNTS.stableHash(Map.of("a", 1L))).isEqualTo(96); // 97 ^ 1
    Map<String, Long> withNull = new HashMap<>();
    withNull.put("a", null);
    assertThat(COUNTS.stableHash(withNull)).isEqualTo(97);
    Map<String, Long> forward = new LinkedHashMap<>();
    Map<String, Long> backward = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      forward.put("k" + i, (long) i);
      backward.put("k" + (49 - i), (long) (49 - i));
    }
    assertThat(COUNTS.stableHash(forward)).isEqualTo(COUNTS.stableHash(backward)).isEqualTo(forward.hashCode());
  }

  // ---- enums

  @Test
  void enum_roundTripsAsOrdinal() {
    TypeSerializer<Color> colors = Serializers.enumOf(Color.class);
    for (Color c : Color.values()) {
      assertThat(roundTrip(colors, c)).isSameAs(c);
    }
    assertThat(bytesOf(colors, Color.BLUE)).containsExactly(2);
    assertThat(colors.isImmutable()).isTrue();
    assertThat(colors.copy(Color.RED)).isSameAs(Color.RED);
    assertThat(colors.toString()).contains(Color.class.getName());
  }

  @Test
  void enum_ordinalOutOfRange_isCorrupt() {
    assertThatThrownBy(() -> read(Serializers.enumOf(Color.class), new byte[] {3}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("ordinal 3");
  }

  @Test
  void stableHash_enum_isTheNameHashAndPinned() {
    assertThat(Serializers.enumOf(Color.class).stableHash(Color.RED)).isEqualTo(81009);
    assertThat(Serializers.enumOf(Color.class).stableHash(Color.GREEN)).isEqualTo("GREEN".hashCode());
  }

  @Test
  void enumOf_notAnEnum_isRejected() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<Color> notEnum = (Class) String.class;
    assertThatThrownBy(() -> Serializers.enumOf(notEnum)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- records

  private static User user() {
    Map<String, List<Long>> counters = new HashMap<>();
    counters.put("clicks", new ArrayList<>(List.of(1L, 2L)));
    counters.put("none", null);
    return new User("user-1", 42L, null, Color.GREEN, new byte[] {1, 2}, new ArrayList<>(List.of("a", "ü")),
        counters, new Point(3, -4), true, 'é', 2.5);
  }

  @Test
  void record_allSupportedComponentTypes_roundTrip() {
    TypeSerializer<User> serializer = Serializers.record(User.class);
    User original = user();
    User read = roundTrip(serializer, original);
    assertThat(read).usingRecursiveComparison().isEqualTo(original);
    assertThat(read.age()).isNull();
    User allNull = new User(null, 0, null, null, null, null, null, null, false, '\0', 0);
    assertThat(roundTrip(serializer, allNull)).isEqualTo(allNull);
  }

  @Test
  void record_privateRecord_roundTrips() {
    assertThat(roundTrip(Serializers.record(Hidden.class), new Hidden("s"))).isEqualTo(new Hidden("s"));
  }

  @Test
  void record_mutableComponents_copyIsDeep() {
    TypeSerializer<User> serializer = Serializers.record(User.class);
    assertThat(serializer.isImmutable()).isFalse();
    User original = user();
    User copy = serializer.copy(original);
    assertThat(copy).isNotSameAs(original).usingRecursiveComparison().isEqualTo(original);
    copy.tags().add("new");
    copy.avatar()[0] = 99;
    copy.counters().get("clicks").add(3L);
    assertThat(original.tags()).containsExactly("a", "ü");
    assertThat(original.avatar()).containsExactly(1, 2);
    assertThat(original.counters().get("clicks")).containsExactly(1L, 2L);
  }

  @Test
  void record_immutableComponents_isImmutableAndCopyIsIdentity() {
    TypeSerializer<Account> serializer = Serializers.record(Account.class);
    assertThat(serializer.isImmutable()).isTrue();
    Account a = new Account("a", 1);
    assertThat(serializer.copy(a)).isSameAs(a);
  }

  @Test
  void stableHash_record_combinesComponentsAndIsPinned() {
    assertThat(Serializers.record(Point.class).stableHash(new Point(1, 2))).isEqualTo(994);
    assertThat(Serializers.record(Account.class).stableHash(new Account("user-1", 42))).isEqualTo(-147181796);
    assertThat(Serializers.record(Account.class).stableHash(new Account(null, 42))).isEqualTo(31 * 31 + 42);
  }

  @Test
  void record_unsupportedComponent_namesRecordComponentAndAlternatives() {
    assertThatThrownBy(() -> Serializers.record(WithSet.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(WithSet.class.getName())
        .hasMessageContaining("'values'")
        .hasMessageContaining("Serializers.record(Class, TypeSerializer...)")
        .hasMessageContaining("kryo");
    assertThatThrownBy(() -> Serializers.record(WithArray.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'values'")
        .hasMessageContaining("long[], int[], double[]");
    assertThatThrownBy(() -> Serializers.record(Box.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'value'");
  }

  @Test
  void record_recursive_isRejected() {
    assertThatThrownBy(() -> Serializers.record(Node.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'next'")
        .hasMessageContaining("recursive");
    assertThatThrownBy(() -> Serializers.record(ListNode.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'children'");
  }

  @Test
  void record_explicitSerializers_areUsedAndCounted() {
    TypeSerializer<Labeled> serializer = Serializers.record(Labeled.class, Serializers.STRING);
    assertThat(roundTrip(serializer, new Labeled("x"))).isEqualTo(new Labeled("x"));
    assertThatThrownBy(() -> Serializers.record(Point.class, Serializers.INT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 components, got 1");
    assertThatThrownBy(() -> Serializers.record(Point.class, Serializers.INT, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("'y'");
  }

  @Test
  void record_constructorRejectsStoredValues_isSerializationException() {
    TypeSerializer<Positive> serializer = Serializers.record(Positive.class);
    DataOutputBuffer out = new DataOutputBuffer();
    out.writeInt(-1);
    assertThatThrownBy(() -> read(serializer, out.toByteArray()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("n must not be negative");
  }

  @Test
  void record_badPresenceByteOrTruncation_isSerializationException() {
    TypeSerializer<Account> serializer = Serializers.record(Account.class);
    assertThatThrownBy(() -> read(serializer, new byte[] {7}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("component 'id'");
    byte[] bytes = bytesOf(Serializers.record(User.class), user());
    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] truncated = Arrays.copyOf(bytes, cut);
      assertThatThrownBy(() -> read(Serializers.record(User.class), truncated))
          .as("cut at %d", cut)
          .isInstanceOf(SerializationException.class);
    }
  }

  @Test
  void record_notARecord_isRejected() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<Point> notRecord = (Class) String.class;
    assertThatThrownBy(() -> Serializers.record(notRecord))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a record");
  }

  @Test
  void toString_composites_describeTheirParts() {
    assertThat(Serializers.mapOf(Serializers.STRING, STRINGS)).hasToString("map(cairn.string -> list(cairn.string))");
    assertThat(Serializers.record(Point.class).toString()).contains(Point.class.getName(), "x: cairn.int", "y: cairn.int");
  }
}
