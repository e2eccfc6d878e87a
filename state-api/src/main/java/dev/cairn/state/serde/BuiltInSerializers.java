package dev.cairn.state.serde;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;

/** Cairn's serializers of scalar types, and the registration of every built-in snapshot reader. */
final class BuiltInSerializers {

  private BuiltInSerializers() {}

  /** The serializers with a configuration-free snapshot, by snapshot id. */
  private static final Map<String, TypeSerializer<?>> BY_ID = Map.ofEntries(
      entry(LongSerializer.INSTANCE), entry(IntSerializer.INSTANCE), entry(ShortSerializer.INSTANCE),
      entry(ByteSerializer.INSTANCE), entry(BooleanSerializer.INSTANCE), entry(DoubleSerializer.INSTANCE),
      entry(FloatSerializer.INSTANCE), entry(CharSerializer.INSTANCE), entry(StringSerializer.INSTANCE),
      entry(BytesSerializer.INSTANCE), entry(LongArraySerializer.INSTANCE), entry(IntArraySerializer.INSTANCE),
      entry(DoubleArraySerializer.INSTANCE));

  /**
   * The widening conversions a migration applies, by {@code "from>to"} snapshot ids: each is exact
   * (every old value has an equal new one), as Java's widening primitive conversions without the
   * lossy {@code int}/{@code long} to {@code float} and {@code long} to {@code double}.
   */
  private static final Map<String, Function<Object, Object>> WIDENINGS = Map.of(
      "cairn.byte>cairn.short", v -> (short) (byte) v,
      "cairn.byte>cairn.int", v -> (int) (byte) v,
      "cairn.byte>cairn.long", v -> (long) (byte) v,
      "cairn.short>cairn.int", v -> (int) (short) v,
      "cairn.short>cairn.long", v -> (long) (short) v,
      "cairn.int>cairn.long", v -> (long) (int) v,
      "cairn.int>cairn.double", v -> (double) (int) v,
      "cairn.float>cairn.double", v -> (double) (float) v,
      "cairn.char>cairn.int", v -> (int) (char) v,
      "cairn.char>cairn.long", v -> (long) (char) v);

  private static Map.Entry<String, TypeSerializer<?>> entry(TypeSerializer<?> serializer) {
    return Map.entry(serializer.snapshot().id(), serializer);
  }

  /** Returns the built-in serializer whose snapshot is {@code SimpleSerializerSnapshot(id)}, or null. */
  static TypeSerializer<?> byId(String id) {
    return BY_ID.get(id);
  }

  /** Returns the exact widening from built-in {@code from} to built-in {@code to}, or null if none. */
  static Function<Object, Object> widening(String from, String to) {
    return WIDENINGS.get(from + ">" + to);
  }

  static void registerSnapshotReaders() {
    for (String id : BY_ID.keySet()) {
      SerializerSnapshots.register(id, SimpleSerializerSnapshot.reader(id));
    }
    OptionalSerializer.registerReader();
    ListSerializer.registerReader();
    MapSerializer.registerReader();
    EnumSerializer.registerReader();
    RecordSerializer.registerReader();
    KryoSerializer.registerReader();
    MigratingSerializer.registerReader();
    AvroSnapshot.registerReader();
  }

  /** Base of serializers of immutable values with a configuration-free snapshot. */
  abstract static class Immutable<T> implements TypeSerializer<T> {
    private final SimpleSerializerSnapshot<T> snapshot;

    Immutable(String id) {
      this.snapshot = new SimpleSerializerSnapshot<>(id);
    }

    @Override
    public final boolean isImmutable() {
      return true;
    }

    @Override
    public final T copy(T value) {
      return value;
    }

    @Override
    public int stableHash(T value) {
      return value.hashCode(); // specified by the JDK for every subclass's type
    }

    @Override
    public final TypeSerializerSnapshot<T> snapshot() {
      return snapshot;
    }

    @Override
    public String toString() {
      return snapshot.id();
    }
  }

  static final class LongSerializer extends Immutable<Long> {
    static final LongSerializer INSTANCE = new LongSerializer();

    private LongSerializer() {
      super("cairn.long");
    }

    @Override
    public void serialize(Long value, DataOutputBuffer out) {
      out.writeLong(value);
    }

    @Override
    public Long deserialize(DataInputBuffer in) {
      return in.readLong();
    }
  }

  static final class IntSerializer extends Immutable<Integer> {
    static final IntSerializer INSTANCE = new IntSerializer();

    private IntSerializer() {
      super("cairn.int");
    }

    @Override
    public void serialize(Integer value, DataOutputBuffer out) {
      out.writeInt(value);
    }

    @Override
    public Integer deserialize(DataInputBuffer in) {
      return in.readInt();
    }
  }

  static final class ShortSerializer extends Immutable<Short> {
    static final ShortSerializer INSTANCE = new ShortSerializer();

    private ShortSerializer() {
      super("cairn.short");
    }

    @Override
    public void serialize(Short value, DataOutputBuffer out) {
      out.writeShort(value);
    }

    @Override
    public Short deserialize(DataInputBuffer in) {
      return in.readShort();
    }
  }

  static final class ByteSerializer extends Immutable<Byte> {
    static final ByteSerializer INSTANCE = new ByteSerializer();

    private ByteSerializer() {
      super("cairn.byte");
    }

    @Override
    public void serialize(Byte value, DataOutputBuffer out) {
      out.writeByte(value);
    }

    @Override
    public Byte deserialize(DataInputBuffer in) {
      return in.readByte();
    }
  }

  static final class BooleanSerializer extends Immutable<Boolean> {
    static final BooleanSerializer INSTANCE = new BooleanSerializer();

    private BooleanSerializer() {
      super("cairn.boolean");
    }

    @Override
    public void serialize(Boolean value, DataOutputBuffer out) {
      out.writeBoolean(value);
    }

    @Override
    public Boolean deserialize(DataInputBuffer in) {
      return in.readBoolean();
    }
  }

  static final class DoubleSerializer extends Immutable<Double> {
    static final DoubleSerializer INSTANCE = new DoubleSerializer();

    private DoubleSerializer() {
      super("cairn.double");
    }

    @Override
    public void serialize(Double value, DataOutputBuffer out) {
      out.writeDouble(value);
    }

    @Override
    public Double deserialize(DataInputBuffer in) {
      return in.readDouble();
    }
  }

  static final class FloatSerializer extends Immutable<Float> {
    static final FloatSerializer INSTANCE = new FloatSerializer();

    private FloatSerializer() {
      super("cairn.float");
    }

    @Override
    public void serialize(Float value, DataOutputBuffer out) {
      out.writeFloat(value);
    }

    @Override
    public Float deserialize(DataInputBuffer in) {
      return in.readFloat();
    }
  }

  static final class CharSerializer extends Immutable<Character> {
    static final CharSerializer INSTANCE = new CharSerializer();

    private CharSerializer() {
      super("cairn.char");
    }

    @Override
    public void serialize(Character value, DataOutputBuffer out) {
      out.writeChar(value);
    }

    @Override
    public Character deserialize(DataInputBuffer in) {
      return in.readChar();
    }
  }

  static final class StringSerializer extends Immutable<String> {
    static final StringSerializer INSTANCE = new StringSerializer();

    private StringSerializer() {
      super("cairn.string");
    }

    @Override
    public void serialize(String value, DataOutputBuffer out) {
      out.writeString(value);
    }

    @Override
    public String deserialize(DataInputBuffer in) {
      return in.readString();
    }
  }

  /** Byte arrays are mutable: copies are real, and the hash is {@link Arrays#hashCode(byte[])}. */
  static final class BytesSerializer implements TypeSerializer<byte[]> {
    static final BytesSerializer INSTANCE = new BytesSerializer();
    private static final SimpleSerializerSnapshot<byte[]> SNAPSHOT =
        new SimpleSerializerSnapshot<>("cairn.bytes");

    private BytesSerializer() {}

    @Override
    public void serialize(byte[] value, DataOutputBuffer out) {
      out.writeLengthPrefixed(value, 0, value.length);
    }

    @Override
    public byte[] deserialize(DataInputBuffer in) {
      return in.readLengthPrefixed();
    }

    @Override
    public boolean isImmutable() {
      return false;
    }

    @Override
    public byte[] copy(byte[] value) {
      return value.clone();
    }

    @Override
    public int stableHash(byte[] value) {
      return Arrays.hashCode(value);
    }

    @Override
    public TypeSerializerSnapshot<byte[]> snapshot() {
      return SNAPSHOT;
    }

    @Override
    public String toString() {
      return SNAPSHOT.id();
    }
  }

  /**
   * Base of the serializers of primitive arrays: a var-int length, then each element at its fixed
   * width. The length is checked against the bytes left before the array is allocated.
   */
  abstract static class PrimitiveArray<A> implements TypeSerializer<A> {
    private final SimpleSerializerSnapshot<A> snapshot;
    private final int elementBytes;

    PrimitiveArray(String id, int elementBytes) {
      this.snapshot = new SimpleSerializerSnapshot<>(id);
      this.elementBytes = elementBytes;
    }

    abstract int length(A array);

    abstract void writeElements(A array, DataOutputBuffer out);

    abstract A readElements(DataInputBuffer in, int length);

    @Override
    public final void serialize(A value, DataOutputBuffer out) {
      out.writeVarInt(length(value));
      writeElements(value, out);
    }

    @Override
    public final A deserialize(DataInputBuffer in) {
      return readElements(in, in.readLength(elementBytes));
    }

    @Override
    public final boolean isImmutable() {
      return false;
    }

    @Override
    public final TypeSerializerSnapshot<A> snapshot() {
      return snapshot;
    }

    @Override
    public String toString() {
      return snapshot.id();
    }
  }

  static final class LongArraySerializer extends PrimitiveArray<long[]> {
    static final LongArraySerializer INSTANCE = new LongArraySerializer();

    private LongArraySerializer() {
      super("cairn.long-array", 8);
    }

    @Override
    int length(long[] array) {
      return array.length;
    }

    @Override
    void writeElements(long[] array, DataOutputBuffer out) {
      for (long v : array) {
        out.writeLong(v);
      }
    }

    @Override
    long[] readElements(DataInputBuffer in, int length) {
      long[] array = new long[length];
      for (int i = 0; i < length; i++) {
        array[i] = in.readLong();
      }
      return array;
    }

    @Override
    public long[] copy(long[] value) {
      return value.clone();
    }

    @Override
    public int stableHash(long[] value) {
      return Arrays.hashCode(value);
    }
  }

  static final class IntArraySerializer extends PrimitiveArray<int[]> {
    static final IntArraySerializer INSTANCE = new IntArraySerializer();

    private IntArraySerializer() {
      super("cairn.int-array", 4);
    }

    @Override
    int length(int[] array) {
      return array.length;
    }

    @Override
    void writeElements(int[] array, DataOutputBuffer out) {
      for (int v : array) {
        out.writeInt(v);
      }
    }

    @Override
    int[] readElements(DataInputBuffer in, int length) {
      int[] array = new int[length];
      for (int i = 0; i < length; i++) {
        array[i] = in.readInt();
      }
      return array;
    }

    @Override
    public int[] copy(int[] value) {
      return value.clone();
    }

    @Override
    public int stableHash(int[] value) {
      return Arrays.hashCode(value);
    }
  }

  static final class DoubleArraySerializer extends PrimitiveArray<double[]> {
    static final DoubleArraySerializer INSTANCE = new DoubleArraySerializer();

    private DoubleArraySerializer() {
      super("cairn.double-array", 8);
    }

    @Override
    int length(double[] array) {
      return array.length;
    }

    @Override
    void writeElements(double[] array, DataOutputBuffer out) {
      for (double v : array) {
        out.writeDouble(v);
      }
    }

    @Override
    double[] readElements(DataInputBuffer in, int length) {
      double[] array = new double[length];
      for (int i = 0; i < length; i++) {
        array[i] = in.readDouble();
      }
      return array;
    }

    @Override
    public double[] copy(double[] value) {
      return value.clone();
    }

    @Override
    public int stableHash(double[] value) {
      return Arrays.hashCode(value);
    }
  }
}
