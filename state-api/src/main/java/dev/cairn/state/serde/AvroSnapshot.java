package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;

/**
 * The snapshot of an Avro serializer: the writer schema as JSON and, for a specific record class,
 * its name (empty for generic records). Holds no Avro type, so that reading a checkpoint needs no
 * Avro until an Avro serializer resolves it.
 *
 * @param specificClass the generated class's name, or empty for generic records
 * @param writerSchema the schema the data was written with, as JSON
 */
record AvroSnapshot<T>(String specificClass, String writerSchema) implements TypeSerializerSnapshot<T> {

  static final String ID = "cairn.avro";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public void write(DataOutputBuffer out) {
    out.writeString(specificClass);
    out.writeString(writerSchema);
  }

  @Override
  public SchemaCompatibility resolveCompatibility(TypeSerializer<T> newSerializer) {
    if (newSerializer.snapshot().equals(this)) {
      return SchemaCompatibility.compatibleAsIs();
    }
    if (!(newSerializer instanceof AvroSerializer<?>)) {
      return SnapshotCodec.otherFamily(this, newSerializer);
    }
    return AvroSerializer.resolve(this, (AvroSerializer<?>) newSerializer);
  }

  @Override
  @SuppressWarnings("unchecked")
  public TypeSerializer<T> restoreSerializer(TypeSerializer<T> newSerializer) {
    if (!(newSerializer instanceof AvroSerializer<?> avro)) {
      return TypeSerializerSnapshot.super.restoreSerializer(newSerializer);
    }
    return (TypeSerializer<T>) AvroSerializer.reading(this, avro);
  }

  static void registerReader() {
    SerializerSnapshots.register(ID, (version, in) -> {
      if (version != 1) {
        throw new SerializationException("unknown version " + version + " of serializer snapshot '" + ID + "'");
      }
      return new AvroSnapshot<>(in.readString(), in.readString());
    });
  }

  @Override
  public String toString() {
    return "avro(" + (specificClass.isEmpty() ? "generic" : specificClass) + ")";
  }
}
