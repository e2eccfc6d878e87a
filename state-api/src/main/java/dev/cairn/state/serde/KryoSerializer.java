package dev.cairn.state.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import dev.cairn.state.SerializationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Values of any class through Kryo 5, as a var-int length and Kryo's bytes ({@code
 * writeClassAndObject}, so subclasses of the declared type round-trip). With registration required
 * (the default), the type and the listed classes are registered with fixed ids in the given order
 * and Kryo refuses every other class, both when writing and when reading untrusted bytes. Kryo
 * instances are not thread-safe; each call borrows one from a pool.
 *
 * <p>No Java serialization fallback exists: {@code JavaSerializer} is never registered.
 */
final class KryoSerializer<T> implements TypeSerializer<T> {

  static final String ID = "cairn.kryo";

  /** The id of the first registered class; Kryo's default registrations use smaller ids. */
  private static final int FIRST_ID = 100;

  private static final int POOL_SIZE = 16;

  /** Outputs that grew past this for a large value are dropped rather than pooled. */
  private static final int MAX_POOLED_OUTPUT = 1 << 20;

  private final Class<T> type;
  private final List<Class<?>> registered;
  private final boolean registrationRequired;
  private final Snapshot<T> snapshot;
  private final Pool<Kryo> kryos;
  private final Pool<Output> outputs;

  KryoSerializer(Class<T> type, boolean registrationRequired, Class<?>... registeredClasses) {
    if (type == null) {
      throw new NullPointerException("type must not be null");
    }
    List<Class<?>> classes = new ArrayList<>();
    classes.add(type);
    List<String> names = new ArrayList<>();
    for (Class<?> c : registeredClasses) {
      if (c == null) {
        throw new NullPointerException("registered classes of kryo(" + type.getName() + ") must not be null");
      }
      if (classes.contains(c)) {
        throw new IllegalArgumentException("class " + c.getName() + " is registered twice for kryo(" + type.getName() + ")");
      }
      classes.add(c);
      names.add(c.getName());
    }
    this.type = type;
    this.registered = List.copyOf(classes);
    this.registrationRequired = registrationRequired;
    this.snapshot = new Snapshot<>(type.getName(), names, registrationRequired);
    this.kryos = new Pool<>(true, false, POOL_SIZE) {
      @Override
      protected Kryo create() {
        return newKryo();
      }
    };
    this.outputs = new Pool<>(true, false, POOL_SIZE) {
      @Override
      protected Output create() {
        return new Output(256, -1);
      }
    };
    newKryo(); // fail now, not on first use, if a class cannot be registered
  }

  private Kryo newKryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(registrationRequired);
    kryo.setReferences(false);
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    for (int i = 0; i < registered.size(); i++) {
      kryo.register(registered.get(i), FIRST_ID + i);
    }
    return kryo;
  }

  @Override
  public void serialize(T value, DataOutputBuffer out) {
    Output output = write(value);
    try {
      out.writeLengthPrefixed(output.getBuffer(), 0, output.position());
    } finally {
      release(output);
    }
  }

  @Override
  public T deserialize(DataInputBuffer in) {
    int length = in.readLength(1);
    int end = in.position() + length;
    Input input = new BoundedInput(in.array(), in.position(), length);
    Kryo kryo = kryos.obtain();
    Object value;
    try {
      value = kryo.readClassAndObject(input);
    } catch (RuntimeException e) { // untrusted bytes: Kryo and the classes' own code may throw anything
      throw new SerializationException(this + ": cannot read the stored value: " + e.getMessage(), e);
    } finally {
      kryos.free(kryo);
    }
    if (input.position() != end) {
      throw new SerializationException(
          this + ": corrupt data: the value took " + (length - (end - input.position())) + " of its " + length
              + " bytes");
    }
    if (!type.isInstance(value)) {
      throw new SerializationException(
          this + ": corrupt data: read " + (value == null ? "null" : "a " + value.getClass().getName()));
    }
    in.skip(length);
    return type.cast(value);
  }

  /** Writes {@code value} into a pooled output that the caller frees. */
  private Output write(T value) {
    Output output = outputs.obtain();
    output.reset();
    Kryo kryo = kryos.obtain();
    try {
      kryo.writeClassAndObject(output, value);
      return output;
    } catch (RuntimeException e) {
      release(output);
      throw new SerializationException(this + ": cannot serialize " + value.getClass().getName() + ": " + e.getMessage(), e);
    } finally {
      kryos.free(kryo);
    }
  }

  @Override
  public boolean isImmutable() {
    return false;
  }

  @Override
  public T copy(T value) {
    Kryo kryo = kryos.obtain();
    try {
      return kryo.copy(value);
    } catch (RuntimeException e) {
      throw new SerializationException(this + ": cannot copy " + value.getClass().getName() + ": " + e.getMessage(), e);
    } finally {
      kryos.free(kryo);
    }
  }

  /** Returns {@link Arrays#hashCode(byte[])} of the value's Kryo bytes. */
  @Override
  public int stableHash(T value) {
    Output output = write(value);
    try {
      int h = 1;
      byte[] b = output.getBuffer();
      for (int i = 0, n = output.position(); i < n; i++) {
        h = 31 * h + b[i];
      }
      return h;
    } finally {
      release(output);
    }
  }

  private void release(Output output) {
    if (output.getBuffer().length <= MAX_POOLED_OUTPUT) {
      outputs.free(output);
    }
  }

  @Override
  public TypeSerializerSnapshot<T> snapshot() {
    return snapshot;
  }

  @Override
  public String toString() {
    return (registrationRequired ? "kryo(" : "kryoWithoutRegistration(") + type.getName() + ")";
  }

  static void registerReader() {
    SerializerSnapshots.register(ID, (version, in) -> {
      SnapshotCodec.requireVersion(ID, version, 1);
      return new Snapshot<>(in.readString(), SnapshotCodec.readNames(in), in.readBoolean());
    });
  }

  /**
   * A Kryo input over a fixed byte range that checks declared array lengths against the bytes left
   * before allocating, so a corrupt length cannot exhaust the heap.
   */
  private static final class BoundedInput extends Input {
    BoundedInput(byte[] bytes, int offset, int length) {
      super(bytes, offset, length);
    }

    private void check(int count, int bytesPerUnit) {
      if (count < 0 || (long) count * bytesPerUnit > limit - position) {
        throw new KryoException("Buffer underflow: " + count + " elements declared, " + (limit - position) + " bytes left");
      }
    }

    @Override
    public byte[] readBytes(int length) {
      check(length, 1);
      return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) {
      check(length, 1);
      return super.readInts(length, optimizePositive);
    }

    @Override
    public int[] readInts(int length) {
      check(length, 4);
      return super.readInts(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) {
      check(length, 1);
      return super.readLongs(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) {
      check(length, 8);
      return super.readLongs(length);
    }

    @Override
    public float[] readFloats(int length) {
      check(length, 4);
      return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) {
      check(length, 8);
      return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) {
      check(length, 2);
      return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) {
      check(length, 2);
      return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) {
      check(length, 1);
      return super.readBooleans(length);
    }
  }

  /**
   * The snapshot of a Kryo serializer: the type, the other registered classes in id order, and
   * whether registration was required. Compatible as is only with an equal snapshot: Kryo's bytes
   * carry the registration ids.
   *
   * @param type the declared type's class name (registered first)
   * @param registeredClasses the other registered classes' names, in id order
   * @param registrationRequired whether unregistered classes are refused
   */
  record Snapshot<T>(String type, List<String> registeredClasses, boolean registrationRequired)
      implements TypeSerializerSnapshot<T> {

    Snapshot {
      registeredClasses = List.copyOf(registeredClasses);
    }

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
      out.writeString(type);
      SnapshotCodec.writeNames(registeredClasses, out);
      out.writeBoolean(registrationRequired);
    }

    @Override
    public SchemaCompatibility resolveCompatibility(TypeSerializer<T> newSerializer) {
      if (!(newSerializer instanceof KryoSerializer<?> kryo)) {
        return SnapshotCodec.otherFamily(this, newSerializer);
      }
      if (equals(kryo.snapshot)) {
        return SchemaCompatibility.compatibleAsIs();
      }
      return SchemaCompatibility.incompatible(
          "the Kryo registration changed (class ids are stored): stored " + this + ", new " + kryo.snapshot);
    }

    @Override
    public String toString() {
      return "kryo(" + type + ", registered " + registeredClasses
          + (registrationRequired ? "" : ", registration NOT required") + ")";
    }
  }
}
