package dev.cairn.state.serde;

/**
 * Cairn's serializers. Scalars are constants; collections, records, enums and Kryo are made by
 * factories.
 */
public final class Serializers {

  /** {@code Long}, 8 bytes big-endian. */
  public static final TypeSerializer<Long> LONG = BuiltInSerializers.LongSerializer.INSTANCE;
  /** {@code Integer}, 4 bytes big-endian. */
  public static final TypeSerializer<Integer> INT = BuiltInSerializers.IntSerializer.INSTANCE;
  /** {@code Short}, 2 bytes big-endian. */
  public static final TypeSerializer<Short> SHORT = BuiltInSerializers.ShortSerializer.INSTANCE;
  /** {@code Byte}, 1 byte. */
  public static final TypeSerializer<Byte> BYTE = BuiltInSerializers.ByteSerializer.INSTANCE;
  /** {@code Boolean}, 1 byte (0 or 1; anything else is rejected as corrupt). */
  public static final TypeSerializer<Boolean> BOOLEAN = BuiltInSerializers.BooleanSerializer.INSTANCE;
  /** {@code Double}, its IEEE 754 bits. */
  public static final TypeSerializer<Double> DOUBLE = BuiltInSerializers.DoubleSerializer.INSTANCE;
  /** {@code Float}, its IEEE 754 bits. */
  public static final TypeSerializer<Float> FLOAT = BuiltInSerializers.FloatSerializer.INSTANCE;
  /** {@code Character}, 2 bytes. */
  public static final TypeSerializer<Character> CHAR = BuiltInSerializers.CharSerializer.INSTANCE;
  /** {@code String}, a var-int length and modified UTF-8 without a length limit. */
  public static final TypeSerializer<String> STRING = BuiltInSerializers.StringSerializer.INSTANCE;
  /** {@code byte[]}, a var-int length and the bytes; mutable, so copied on read and write. */
  public static final TypeSerializer<byte[]> BYTES = BuiltInSerializers.BytesSerializer.INSTANCE;

  private Serializers() {}
}
