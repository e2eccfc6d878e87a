package dev.cairn.state.serde;

import static dev.cairn.state.serde.SerdeTesting.compatibility;
import static dev.cairn.state.serde.SerdeTesting.snapshotRoundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.SerializationException;
import dev.cairn.state.serde.SchemaCompatibility.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SerializerSnapshotsTest {

  enum Color { RED, GREEN, BLUE }

  record Point(int x, int y) {}

  record Line(Point from, Point to, Color color, List<String> labels, Map<String, Long> weights) {}

  record BoxedPoint(Integer x, Integer y) {}

  private static List<TypeSerializer<?>> all() {
    return List.of(Serializers.LONG, Serializers.INT, Serializers.SHORT, Serializers.BYTE, Serializers.BOOLEAN,
        Serializers.DOUBLE, Serializers.FLOAT, Serializers.CHAR, Serializers.STRING, Serializers.BYTES,
        Serializers.listOf(Serializers.LONG), Serializers.mapOf(Serializers.STRING, Serializers.listOf(Serializers.BYTES)),
        Serializers.enumOf(Color.class), Serializers.record(Line.class), Serializers.kryo(Point.class, ArrayList.class),
        Serializers.unsafeKryoWithoutRegistration(Point.class));
  }

  @Test
  void snapshot_everySerializer_roundTripsEqualAndCompatibleAsIs() {
    for (TypeSerializer<?> s : all()) {
      TypeSerializerSnapshot<?> read = snapshotRoundTrip(s);
      assertThat(read).as(s.toString()).isEqualTo(s.snapshot()).hasSameHashCodeAs(s.snapshot());
      assertThat(compatibility(s, s).isCompatibleAsIs()).as(s.toString()).isTrue();
    }
  }

  @Test
  void snapshot_sameFactoryTwice_isEqual() {
    assertThat(Serializers.record(Line.class).snapshot()).isEqualTo(Serializers.record(Line.class).snapshot());
    assertThat(Serializers.listOf(Serializers.INT).snapshot()).isNotEqualTo(Serializers.listOf(Serializers.LONG).snapshot());
  }

  @Test
  void snapshot_ofUnknownClasses_isReadWithoutLoadingThem() {
    RecordSerializer.Snapshot<Object> stored = new RecordSerializer.Snapshot<>("com.example.Gone", List.of(
        new RecordSerializer.Snapshot.Component("payload", true,
            new KryoSerializer.Snapshot<>("com.example.Missing", List.of("com.example.AlsoMissing"), true)),
        new RecordSerializer.Snapshot.Component("kind", true,
            new EnumSerializer.Snapshot<>("com.example.Kind", List.of("A", "B")))));
    assertThat(SerializerSnapshots.fromBytes(SerializerSnapshots.toBytes(stored))).isEqualTo(stored);
  }

  @Test
  void compatibility_crossFamily_isIncompatible() {
    assertThat(compatibility(Serializers.listOf(Serializers.LONG), Serializers.LONG).kind()).isEqualTo(Kind.INCOMPATIBLE);
    assertThat(compatibility(Serializers.LONG, Serializers.INT).kind()).isEqualTo(Kind.INCOMPATIBLE);
    assertThat(compatibility(Serializers.record(Point.class), Serializers.kryo(Point.class)).kind())
        .isEqualTo(Kind.INCOMPATIBLE);
  }

  @Test
  void compatibility_nestedElementChanged_namesWhere() {
    SchemaCompatibility list = compatibility(Serializers.listOf(Serializers.INT), Serializers.listOf(Serializers.STRING));
    assertThat(list.kind()).isEqualTo(Kind.INCOMPATIBLE);
    assertThat(list.reason()).contains("list element", "cairn.int", "cairn.string");
    SchemaCompatibility map = compatibility(
        Serializers.mapOf(Serializers.STRING, Serializers.LONG), Serializers.mapOf(Serializers.STRING, Serializers.INT));
    assertThat(map.kind()).isEqualTo(Kind.INCOMPATIBLE);
    assertThat(map.reason()).contains("map value");
  }

  @Test
  void compatibility_enumConstantsRemovedOrRenamed_isIncompatibleListingThem() {
    TypeSerializer<Color> now = Serializers.enumOf(Color.class);
    String name = Color.class.getName();
    for (List<String> stored : List.of(List.of("RED", "GREEN", "BLUE", "BLACK"), List.of("RED", "GREEN", "CYAN"))) {
      SchemaCompatibility verdict = new EnumSerializer.Snapshot<Color>(name, stored).resolveCompatibility(now);
      assertThat(verdict.kind()).as(stored.toString()).isEqualTo(Kind.INCOMPATIBLE);
      assertThat(verdict.reason()).contains(stored.toString(), "[RED, GREEN, BLUE]");
    }
    SchemaCompatibility moved =
        new EnumSerializer.Snapshot<Color>("old.pkg.Color", List.of("RED", "GREEN", "BLUE")).resolveCompatibility(now);
    assertThat(moved.isCompatibleAsIs()).isTrue();
  }

  @Test
  void compatibility_recordClassOrPrimitiveChanged_isIncompatibleNamingTheComponent() {
    TypeSerializer<Point> now = Serializers.record(Point.class);
    String name = Point.class.getName();
    TypeSerializerSnapshot<Integer> intSnapshot = Serializers.INT.snapshot();

    SchemaCompatibility retyped = recordSnapshot(name, component("x", false, Serializers.STRING.snapshot()),
        component("y", false, intSnapshot)).resolveCompatibility(now);
    assertThat(retyped.kind()).isEqualTo(Kind.INCOMPATIBLE);
    assertThat(retyped.reason()).contains("component 'x'", "cairn.string", "cairn.int");

    SchemaCompatibility unboxed = recordSnapshot(name, component("x", true, intSnapshot), component("y", false, intSnapshot))
        .resolveCompatibility(now);
    assertThat(unboxed.kind()).isEqualTo(Kind.INCOMPATIBLE);
    assertThat(unboxed.reason()).contains("component 'x'", "primitive");

    SchemaCompatibility otherClass = compatibility(Serializers.record(BoxedPoint.class), Serializers.record(Point.class));
    assertThat(otherClass.kind()).isEqualTo(Kind.INCOMPATIBLE);
    assertThat(otherClass.reason()).contains(BoxedPoint.class.getName(), Point.class.getName());
  }

  @Test
  void compatibility_nestedRecordEnumChanged_namesTheComponent() {
    RecordSerializer.Snapshot<?> line = (RecordSerializer.Snapshot<?>) Serializers.record(Line.class).snapshot();
    List<RecordSerializer.Snapshot.Component> components = new ArrayList<>(line.components());
    components.set(2, component("color", true, new EnumSerializer.Snapshot<>(Color.class.getName(), List.of("RED", "PURPLE"))));
    SchemaCompatibility verdict =
        compatibilityOf(new RecordSerializer.Snapshot<>(Line.class.getName(), components), Serializers.record(Line.class));
    assertThat(verdict.kind()).isEqualTo(Kind.INCOMPATIBLE);
    assertThat(verdict.reason()).contains("component 'color'", "[PURPLE]");
  }

  @Test
  void compatibility_kryoRegistrationChanged_appendedAsIsReorderedReconfiguredRemovedIncompatible() {
    TypeSerializer<Point> base = Serializers.kryo(Point.class, ArrayList.class);
    assertThat(compatibility(base, Serializers.kryo(Point.class, ArrayList.class)).isCompatibleAsIs()).isTrue();
    assertThat(compatibility(base, Serializers.kryo(Point.class, ArrayList.class, String[].class)).isCompatibleAsIs())
        .as("appended").isTrue();
    for (TypeSerializer<Point> changed : List.of(Serializers.kryo(Point.class), Serializers.unsafeKryoWithoutRegistration(Point.class))) {
      SchemaCompatibility verdict = compatibility(base, changed);
      assertThat(verdict.kind()).as(changed.toString()).isEqualTo(Kind.INCOMPATIBLE);
      assertThat(verdict.reason()).contains("registration");
    }
    SchemaCompatibility reordered = compatibility(Serializers.kryo(Point.class, ArrayList.class, String[].class),
        Serializers.kryo(Point.class, String[].class, ArrayList.class));
    assertThat(reordered.kind()).isEqualTo(Kind.COMPATIBLE_WITH_RECONFIGURED_SERIALIZER);
  }

  @Test
  void read_truncatedOrCorruptSnapshot_isSerializationException() {
    byte[] bytes = SerializerSnapshots.toBytes(Serializers.record(Line.class).snapshot());
    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] truncated = Arrays.copyOf(bytes, cut);
      assertThatThrownBy(() -> SerializerSnapshots.fromBytes(truncated)).as("cut %d", cut)
          .isInstanceOf(SerializationException.class);
    }
    byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> SerializerSnapshots.fromBytes(trailing)).isInstanceOf(SerializationException.class);
  }

  @Test
  void read_unknownVersionOrId_isSerializationException() {
    DataOutputBuffer out = new DataOutputBuffer();
    out.writeString(ListSerializer.ID);
    out.writeVarInt(2);
    out.writeLengthPrefixed(new byte[0], 0, 0);
    assertThatThrownBy(() -> SerializerSnapshots.fromBytes(out.toByteArray()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown version 2");
    out.reset();
    out.writeString("no.such.serializer");
    out.writeVarInt(1);
    out.writeLengthPrefixed(new byte[0], 0, 0);
    assertThatThrownBy(() -> SerializerSnapshots.fromBytes(out.toByteArray()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("no.such.serializer");
  }

  private static RecordSerializer.Snapshot.Component component(
      String name, boolean nullable, TypeSerializerSnapshot<?> serializer) {
    return new RecordSerializer.Snapshot.Component(name, nullable, serializer);
  }

  private static RecordSerializer.Snapshot<Point> recordSnapshot(String name, RecordSerializer.Snapshot.Component... components) {
    return new RecordSerializer.Snapshot<>(name, List.of(components));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static SchemaCompatibility compatibilityOf(TypeSerializerSnapshot stored, TypeSerializer<?> now) {
    TypeSerializerSnapshot read = SerializerSnapshots.fromBytes(SerializerSnapshots.toBytes(stored));
    assertThat(read).isEqualTo(stored);
    return read.resolveCompatibility((TypeSerializer) now);
  }
}
