package dev.cairn.state.serde;

import static org.assertj.core.api.Assertions.assertThat;

/** Round trips that also check a value consumes exactly the bytes it wrote. */
final class SerdeTesting {

  private SerdeTesting() {}

  static <T> byte[] bytesOf(TypeSerializer<T> serializer, T value) {
    DataOutputBuffer out = new DataOutputBuffer();
    serializer.serialize(value, out);
    return out.toByteArray();
  }

  /** Serializes {@code value} between two marker bytes and reads it back. */
  static <T> T roundTrip(TypeSerializer<T> serializer, T value) {
    DataOutputBuffer out = new DataOutputBuffer();
    out.writeByte(0x5A);
    serializer.serialize(value, out);
    out.writeByte(0xA5);
    DataInputBuffer in = new DataInputBuffer(out.toByteArray());
    assertThat(in.readUnsignedByte()).isEqualTo(0x5A);
    T read = serializer.deserialize(in);
    assertThat(in.readUnsignedByte()).as("value read exactly the bytes it wrote").isEqualTo(0xA5);
    assertThat(in.remaining()).isZero();
    return read;
  }

  static <T> T read(TypeSerializer<T> serializer, byte[] bytes) {
    return serializer.deserialize(new DataInputBuffer(bytes));
  }

  /** Writes a snapshot with {@link SerializerSnapshots#toBytes} and reads it back. */
  static TypeSerializerSnapshot<?> snapshotRoundTrip(TypeSerializer<?> serializer) {
    return SerializerSnapshots.fromBytes(SerializerSnapshots.toBytes(serializer.snapshot()));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static SchemaCompatibility compatibility(TypeSerializer<?> old, TypeSerializer<?> now) {
    TypeSerializerSnapshot stored = snapshotRoundTrip(old);
    return stored.resolveCompatibility((TypeSerializer) now);
  }
}
