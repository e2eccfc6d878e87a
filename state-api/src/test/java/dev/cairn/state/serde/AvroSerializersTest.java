package dev.cairn.state.serde;

import static dev.cairn.state.serde.SerdeTesting.bytesOf;
import static dev.cairn.state.serde.SerdeTesting.compatibility;
import static dev.cairn.state.serde.SerdeTesting.read;
import static dev.cairn.state.serde.SerdeTesting.roundTrip;
import static dev.cairn.state.serde.SerdeTesting.snapshotRoundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.SerializationException;
import dev.cairn.state.kit.AvroUser;
import dev.cairn.state.serde.SchemaCompatibility.Kind;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Avro serializers: round trips, copies, snapshots, Avro's schema resolution on restore, Avro missing. */
class AvroSerializersTest {

  private static final Schema V1 = new Schema.Parser().parse(AvroUser.V1_SCHEMA);

  private static GenericRecord v1(String name, int age) {
    GenericRecord r = new GenericData.Record(V1);
    r.put("name", name);
    r.put("age", age);
    return r;
  }

  @SuppressWarnings("unchecked")
  private static <T> T migrate(TypeSerializer<?> old, Object value, TypeSerializer<T> now) {
    TypeSerializerSnapshot<T> stored = (TypeSerializerSnapshot<T>) snapshotRoundTrip(old);
    return read(stored.restoreSerializer(now), bytesOf((TypeSerializer<Object>) old, value));
  }

  @Test
  void generic_roundTripsCopiesDeeplyAndHashesStably() {
    TypeSerializer<GenericRecord> serializer = AvroSerializers.generic(V1);
    GenericRecord value = v1("ann", 41);

    GenericRecord read = roundTrip(serializer, value);
    GenericRecord copy = serializer.copy(value);
    copy.put("age", 42);

    assertThat(read.get("name").toString()).isEqualTo("ann");
    assertThat(read.get("age")).isEqualTo(41);
    assertThat(value.get("age")).isEqualTo(41);
    assertThat(serializer.isImmutable()).isFalse();
    assertThat(serializer.stableHash(value)).isEqualTo(Arrays.hashCode(new byte[] {6, 'a', 'n', 'n', 82}));
  }

  @Test
  void snapshot_roundTripsWithTheWriterSchema_andTheSameSchemaIsCompatibleAsIs() {
    TypeSerializer<GenericRecord> serializer = AvroSerializers.generic(AvroUser.V1_SCHEMA);

    assertThat(snapshotRoundTrip(serializer)).isEqualTo(serializer.snapshot());
    assertThat(compatibility(serializer, AvroSerializers.generic(V1)).isCompatibleAsIs()).isTrue();
    assertThat(compatibility(AvroSerializers.specific(AvroUser.class), AvroSerializers.generic(AvroUser.SCHEMA$))
        .isCompatibleAsIs()).as("generic and specific of one schema").isTrue();
  }

  @Test
  void evolution_fieldAddedWithDefaultAndPromoted_migratesThroughAvroIntoASpecificRecord() {
    TypeSerializer<GenericRecord> old = AvroSerializers.generic(V1);
    TypeSerializer<AvroUser> now = AvroSerializers.specific(AvroUser.class);

    SchemaCompatibility verdict = compatibility(old, now);
    AvroUser read = migrate(old, v1("ann", 41), now);

    assertThat(verdict.kind()).isEqualTo(Kind.COMPATIBLE_AFTER_MIGRATION);
    assertThat(read).isEqualTo(new AvroUser("ann", 41, "unknown@example.com"));
    assertThat(roundTrip(now, read)).isEqualTo(read);
  }

  @Test
  void evolution_fieldRemoved_migrates() {
    Schema nameOnly = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"AvroUser\",\"namespace\":"
        + "\"dev.cairn.state.kit\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"}]}");

    GenericRecord read = migrate(AvroSerializers.generic(V1), v1("bob", 7), AvroSerializers.generic(nameOnly));

    assertThat(read.getSchema().getFields()).hasSize(1);
    assertThat(read.get("name").toString()).isEqualTo("bob");
  }

  @Test
  void evolution_fieldAddedWithoutDefault_isIncompatibleWithAvrosReason() {
    Schema noDefault = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"AvroUser\",\"namespace\":"
        + "\"dev.cairn.state.kit\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
        + "{\"name\":\"age\",\"type\":\"int\"},{\"name\":\"email\",\"type\":\"string\"}]}");

    SchemaCompatibility verdict = compatibility(AvroSerializers.generic(V1), AvroSerializers.generic(noDefault));

    assertThat(verdict.kind()).isEqualTo(Kind.INCOMPATIBLE);
    assertThat(verdict.reason()).contains("dev.cairn.state.kit.AvroUser", "READER_FIELD_MISSING_DEFAULT_VALUE", "email");
  }

  @Test
  void otherFamily_isIncompatible_andBadInputIsRejected() {
    assertThat(compatibility(AvroSerializers.generic(V1), Serializers.STRING).isIncompatible()).isTrue();
    assertThatThrownBy(() -> AvroSerializers.generic("{\"type\":\"string\"}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("records");
    assertThatThrownBy(() -> AvroSerializers.generic("{not json"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Avro schema");
    assertThatThrownBy(() -> read(AvroSerializers.generic(V1), new byte[] {4, (byte) 0xFF, (byte) 0xFF}))
        .isInstanceOf(SerializationException.class);
  }

  /** A child JVM with every jar but Avro's: the factories say what to add. */
  @Test
  void avroMissingAtRunTime_isAClearError(@TempDir Path dir) throws Exception {
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("avro-")).collect(Collectors.joining(File.pathSeparator));
    Path log = dir.resolve("child.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-cp", classPath, AvroMissing.class.getName()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(Files.readString(log)).contains("IllegalStateException",
        "Avro serializers need Apache Avro, which is not on the class path",
        "org.apache.avro:avro");
    assertThat(p.exitValue()).isZero();
  }

  /** The child of {@link #avroMissingAtRunTime_isAClearError}. */
  public static final class AvroMissing {
    public static void main(String[] args) {
      try {
        AvroSerializers.generic("{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}");
        System.out.println("no error");
        System.exit(1);
      } catch (IllegalStateException e) {
        System.out.println(e);
      }
    }
  }
}
