package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro records (see {@link AvroSerializers}): a var-int length, then Avro's binary encoding. Readers,
 * writers and encoders are kept per thread, so the serializer is thread-safe.
 */
final class AvroSerializer<T> implements TypeSerializer<T> {

  private final Schema schema;
  private final Class<T> specificClass;
  private final GenericData data;
  private final AvroSnapshot<T> snapshot;
  private final ThreadLocal<Codec<T>> codec;

  private AvroSerializer(Schema schema, Class<T> specificClass) {
    if (schema.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException("Avro serializers store records; the schema is a " + schema.getType()
          + ": " + schema);
    }
    this.schema = schema;
    this.specificClass = specificClass;
    this.data = specificClass == null ? GenericData.get() : new SpecificData(specificClass.getClassLoader());
    this.snapshot = new AvroSnapshot<>(specificClass == null ? "" : specificClass.getName(), schema.toString());
    this.codec = ThreadLocal.withInitial(() -> new Codec<>(writerOf(schema), readerOf(schema, schema)));
  }

  static AvroSerializer<GenericRecord> generic(Schema schema) {
    if (schema == null) {
      throw new NullPointerException("Avro schema must not be null");
    }
    return new AvroSerializer<>(schema, null);
  }

  static AvroSerializer<GenericRecord> generic(String schemaJson) {
    if (schemaJson == null) {
      throw new NullPointerException("Avro schema must not be null");
    }
    return generic(parse(schemaJson, "the given schema"));
  }

  static <T extends SpecificRecord> AvroSerializer<T> specific(Class<T> type) {
    if (type == null) {
      throw new NullPointerException("Avro record class must not be null");
    }
    Schema schema;
    try {
      schema = SpecificData.get().getSchema(type);
    } catch (AvroRuntimeException e) {
      throw new IllegalArgumentException("cannot find the Avro schema of " + type.getName() + ": " + e.getMessage(), e);
    }
    return new AvroSerializer<>(schema, type);
  }

  private static Schema parse(String json, String what) {
    try {
      return new Schema.Parser().parse(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot parse " + what + " as an Avro schema: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private DatumWriter<T> writerOf(Schema writer) {
    return specificClass == null ? new GenericDatumWriter<>(writer) : new SpecificDatumWriter<>(writer);
  }

  @SuppressWarnings("unchecked")
  private DatumReader<T> readerOf(Schema writer, Schema reader) {
    return specificClass == null
        ? new GenericDatumReader<>(writer, reader)
        : new SpecificDatumReader<>(writer, reader, (SpecificData) data);
  }

  /** One thread's writer, reader and buffers. */
  private static final class Codec<T> {
    final DatumWriter<T> writer;
    final DatumReader<T> reader;
    final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(256);
    BinaryEncoder encoder;
    BinaryDecoder decoder;

    Codec(DatumWriter<T> writer, DatumReader<T> reader) {
      this.writer = writer;
      this.reader = reader;
    }
  }

  private byte[] encode(T value) {
    Codec<T> c = codec.get();
    c.bytes.reset();
    c.encoder = EncoderFactory.get().directBinaryEncoder(c.bytes, c.encoder);
    try {
      c.writer.write(value, c.encoder);
      c.encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(this + ": cannot write " + value + ": " + e, e);
    }
    return c.bytes.toByteArray();
  }

  @Override
  public void serialize(T value, DataOutputBuffer out) {
    byte[] encoded = encode(value);
    out.writeLengthPrefixed(encoded, 0, encoded.length);
  }

  @Override
  public T deserialize(DataInputBuffer in) {
    Codec<T> c = codec.get();
    return decode(schema, c.reader, c, in);
  }

  /** How many more array and map elements than bytes one value may hold (elements may take no bytes). */
  static final int FREE_ELEMENTS = 4096;

  /** The deepest nesting of records, arrays, maps and unions in one value. */
  static final int MAX_DEPTH = 1000;

  /**
   * Reads one length-prefixed value written with {@code writer} with {@code reader}, which must
   * consume exactly its bytes. The bytes are first walked against {@code writer}: every string and
   * bytes length is checked against the bytes left, array and map elements number at most the
   * value's length plus {@link #FREE_ELEMENTS}, nesting is at most {@link #MAX_DEPTH} deep, union
   * branches and enum symbols exist, so that hostile bytes fail before Avro allocates for them.
   */
  private T decode(Schema writer, DatumReader<T> reader, Codec<T> c, DataInputBuffer in) {
    int length = in.readLength(1);
    int start = in.position();
    in.skip(length);
    try {
      java.io.ByteArrayInputStream bytes = new java.io.ByteArrayInputStream(in.array(), start, length);
      BinaryDecoder check = DecoderFactory.get().directBinaryDecoder(bytes, null);
      checkValue(writer, check, bytes, new long[] {(long) length + FREE_ELEMENTS}, 0);
      if (bytes.available() != 0) {
        throw new SerializationException(bytes.available() + " bytes left after the record");
      }
    } catch (IOException | RuntimeException | StackOverflowError e) {
      throw new SerializationException(this + ": corrupt Avro data of " + length + " bytes at position " + start + ": "
          + e, e);
    }
    c.decoder = DecoderFactory.get().binaryDecoder(in.array(), start, length, c.decoder);
    T value;
    try {
      value = reader.read(null, c.decoder);
      if (!c.decoder.isEnd()) {
        throw new SerializationException("bytes left after the record");
      }
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(this + ": corrupt Avro data of " + length + " bytes at position " + start + ": "
          + e, e);
    }
    return value;
  }

  /** Walks one value of {@code schema}, checking lengths, counts, indexes and depth (see {@link #decode}). */
  private static void checkValue(Schema schema, BinaryDecoder d, java.io.ByteArrayInputStream bytes, long[] elements,
      int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new SerializationException("Avro value nested deeper than " + MAX_DEPTH);
    }
    switch (schema.getType()) {
      case NULL -> d.readNull();
      case BOOLEAN -> d.readBoolean();
      case INT -> d.readInt();
      case LONG -> d.readLong();
      case FLOAT -> d.readFloat();
      case DOUBLE -> d.readDouble();
      case STRING, BYTES -> {
        long n = d.readLong();
        if (n < 0 || n > bytes.available()) {
          throw new SerializationException("Avro " + schema.getType() + " of " + n + " bytes, " + bytes.available()
              + " left");
        }
        d.skipFixed((int) n);
      }
      case FIXED -> d.skipFixed(schema.getFixedSize());
      case ENUM -> {
        int i = d.readEnum();
        if (i < 0 || i >= schema.getEnumSymbols().size()) {
          throw new SerializationException("Avro enum " + schema.getFullName() + " has no symbol " + i);
        }
      }
      case UNION -> {
        int i = d.readIndex();
        if (i < 0 || i >= schema.getTypes().size()) {
          throw new SerializationException("Avro union has no branch " + i);
        }
        checkValue(schema.getTypes().get(i), d, bytes, elements, depth + 1);
      }
      case RECORD -> {
        for (Schema.Field f : schema.getFields()) {
          checkValue(f.schema(), d, bytes, elements, depth + 1);
        }
      }
      case ARRAY, MAP -> {
        for (long n = d.readLong(); n != 0; n = d.readLong()) {
          if (n < 0) {
            n = -n;
            d.readLong(); // the block's size in bytes
          }
          elements[0] -= n;
          if (n < 0 || elements[0] < 0) {
            throw new SerializationException("Avro " + schema.getType() + " with more elements than the value allows");
          }
          for (long i = 0; i < n; i++) {
            if (schema.getType() == Schema.Type.MAP) {
              checkValue(Schema.create(Schema.Type.STRING), d, bytes, elements, depth + 1);
              checkValue(schema.getValueType(), d, bytes, elements, depth + 1);
            } else {
              checkValue(schema.getElementType(), d, bytes, elements, depth + 1);
            }
          }
        }
      }
      default -> throw new SerializationException("unsupported Avro type " + schema.getType());
    }
  }

  @Override
  public boolean isImmutable() {
    return false;
  }

  @Override
  public T copy(T value) {
    return data.deepCopy(schema, value);
  }

  @Override
  public int stableHash(T value) {
    return Arrays.hashCode(encode(value));
  }

  @Override
  public TypeSerializerSnapshot<T> snapshot() {
    return snapshot;
  }

  @Override
  public String toString() {
    return "avro(" + (specificClass == null ? "generic " : "") + schema.getFullName() + ")";
  }

  /** Resolves a stored snapshot against {@code now} by Avro's schema resolution. */
  static SchemaCompatibility resolve(AvroSnapshot<?> stored, AvroSerializer<?> now) {
    Schema writer = parse(stored.writerSchema(), "the stored writer schema of " + stored);
    if (SchemaNormalization.toParsingForm(writer).equals(SchemaNormalization.toParsingForm(now.schema))) {
      return SchemaCompatibility.compatibleAsIs();
    }
    var result = org.apache.avro.SchemaCompatibility.checkReaderWriterCompatibility(now.schema, writer);
    if (result.getType() != org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      String what = result.getResult().getIncompatibilities().stream()
          .map(i -> i.getType() + " at " + i.getLocation() + (i.getMessage() == null ? "" : " (" + i.getMessage() + ")"))
          .collect(Collectors.joining("; "));
      return SchemaCompatibility.incompatible("Avro record " + writer.getFullName() + ": the new schema cannot read"
          + " the stored one: " + what + "; stored writer schema " + writer + ", new " + now.schema);
    }
    return SchemaCompatibility.compatibleAfterMigration(
        "Avro record " + writer.getFullName() + ": schema changed, resolved by Avro");
  }

  /** Returns the serializer that reads data written with {@code stored}'s schema into {@code now}'s. */
  static <T> TypeSerializer<T> reading(AvroSnapshot<?> stored, AvroSerializer<T> now) {
    Schema writer = parse(stored.writerSchema(), "the stored writer schema of " + stored);
    ThreadLocal<DatumReader<T>> readers = ThreadLocal.withInitial(() -> now.readerOf(writer, now.schema));
    return new RestoreSerializer<>(now, in -> now.decode(writer, readers.get(), now.codec.get(), in),
        "avro " + writer.getFullName() + " as written");
  }
}
