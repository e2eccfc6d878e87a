package dev.cairn.state.serde;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * Serializers of Apache Avro records, which evolve by Avro's own schema resolution. Avro is an
 * optional dependency of Cairn: an application that stores Avro records adds {@code
 * org.apache.avro:avro} (1.12 or later) itself; without it, every factory here fails with an {@link
 * IllegalStateException} saying so, and nothing else in Cairn needs it.
 *
 * <p>A value is stored as a var-int length and Avro's binary encoding. The serializer snapshot holds
 * the <em>writer schema</em> (as JSON) and, for generated classes, the class name. On restore, the
 * stored writer schema is resolved against the new serializer's schema (the reader schema) with
 * Avro's {@code SchemaCompatibility}: the same schema in Avro's parsing canonical form is compatible
 * as is; a schema Avro can resolve (fields added with defaults, fields removed, promotions such as
 * {@code int} to {@code long}, aliases) is compatible after migration, every stored value then read
 * with the writer schema and resolved into the reader schema; anything else is incompatible with
 * Avro's description of what does not match. Generic and specific serializers of the same schema
 * read each other's data. Values are mutable: copies are Avro deep copies; the stable hash is
 * {@link java.util.Arrays#hashCode(byte[])} of the encoding.
 */
public final class AvroSerializers {

  private AvroSerializers() {}

  /**
   * Returns a serializer of {@link GenericRecord}s of {@code schema}, a record schema.
   *
   * @throws IllegalStateException if Avro is not on the class path
   * @throws IllegalArgumentException if {@code schema} is not a record schema
   */
  public static TypeSerializer<GenericRecord> generic(Schema schema) {
    requireAvro();
    return AvroSerializer.generic(schema);
  }

  /**
   * Returns a serializer of {@link GenericRecord}s of the record schema {@code schemaJson} (Avro's
   * JSON schema syntax).
   *
   * @throws IllegalStateException if Avro is not on the class path
   * @throws IllegalArgumentException if the JSON is not a record schema
   */
  public static TypeSerializer<GenericRecord> generic(String schemaJson) {
    requireAvro();
    return AvroSerializer.generic(schemaJson);
  }

  /**
   * Returns a serializer of the generated {@link SpecificRecord} class {@code type} (made by
   * avro-maven-plugin or {@code avro-tools}, or a hand-written {@code SpecificRecordBase} subclass
   * with a static {@code SCHEMA$} and a no-argument constructor).
   *
   * @throws IllegalStateException if Avro is not on the class path
   * @throws IllegalArgumentException if {@code type} has no record schema Avro can find
   */
  public static <T extends SpecificRecord> TypeSerializer<T> specific(Class<T> type) {
    requireAvro();
    return AvroSerializer.specific(type);
  }

  /**
   * Throws unless Avro's classes can be loaded.
   *
   * @throws IllegalStateException naming the dependency to add otherwise
   */
  static void requireAvro() {
    try {
      Class.forName("org.apache.avro.Schema", false, AvroSerializers.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException("Avro serializers need Apache Avro, which is not on the class path: add the"
          + " dependency org.apache.avro:avro (1.12 or later; Cairn declares it optional)", e);
    }
  }
}
