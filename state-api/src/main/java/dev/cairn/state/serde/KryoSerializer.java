package dev.cairn.state.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.SerializerFactory;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.CompatibleFieldSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.StringArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.ArraysAsListSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.PriorityQueueSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import dev.cairn.state.SerializationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Values of any class through Kryo 5, as a var-int length and Kryo's bytes ({@code
 * writeClassAndObject}, so subclasses of the declared type round-trip). With registration required
 * (the default), the type and the listed classes are registered with fixed ids in the given order
 * and Kryo refuses every other class, both when writing and when reading untrusted bytes. Kryo
 * instances are not thread-safe; each call borrows one from a pool.
 *
 * <p>No Java serialization fallback exists: {@code JavaSerializer} is never registered.
 *
 * <p>Reading is bounded by the value's bytes: string, array and map lengths and collection capacities
 * are checked against the bytes left before Kryo allocates for them, objects nest at most {@link
 * #MAX_DEPTH} deep, and the collection elements of one value (which may take no bytes: nulls, objects
 * without fields) number at most its length plus {@link #FREE_ELEMENTS} — counted the same way when
 * writing, so that every value written can be read. Whatever goes wrong, including an {@link Error}
 * that the bytes provoke (a stack overflow, a failing static initializer), ends in a {@link
 * SerializationException}.
 */
final class KryoSerializer<T> implements TypeSerializer<T> {

  static final String ID = "cairn.kryo";

  /** The id of the first registered class; Kryo's default registrations use smaller ids. */
  private static final int FIRST_ID = 100;

  private static final int POOL_SIZE = 16;

  /** The deepest nesting of objects in a value, well within a thread's stack. */
  static final int MAX_DEPTH = 1000;

  /** How many more collection elements than bytes a value may hold. */
  static final int FREE_ELEMENTS = 4096;

  /** Outputs that grew past this for a large value are dropped rather than pooled. */
  private static final int MAX_POOLED_OUTPUT = 1 << 20;

  private final Class<T> type;
  private final List<Class<?>> registered;
  private final boolean registrationRequired;
  /** Whether objects are written with Kryo's {@link CompatibleFieldSerializer} (field names, chunked). */
  private final boolean compatibleFields;
  private final Snapshot<T> snapshot;
  private final Pool<BoundedKryo> kryos;
  private final Pool<Output> outputs;

  KryoSerializer(Class<T> type, boolean registrationRequired, Class<?>... registeredClasses) {
    this(type, registrationRequired, false, registeredClasses);
  }

  KryoSerializer(Class<T> type, boolean registrationRequired, boolean compatibleFields, Class<?>... registeredClasses) {
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
    this.compatibleFields = compatibleFields;
    this.snapshot = new Snapshot<>(type.getName(), names, registrationRequired, compatibleFields);
    this.kryos = new Pool<>(true, false, POOL_SIZE) {
      @Override
      protected BoundedKryo create() {
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

  private BoundedKryo newKryo() {
    BoundedKryo kryo = new BoundedKryo();
    kryo.setMaxDepth(MAX_DEPTH);
    kryo.setRegistrationRequired(registrationRequired);
    kryo.setReferences(false);
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    if (compatibleFields) {
      // not chunked: field values are read from the bounded input; a removed field's value is read
      // (its class is written with it, and must be registered) and dropped
      CompatibleFieldSerializer.CompatibleFieldSerializerConfig config =
          new CompatibleFieldSerializer.CompatibleFieldSerializerConfig();
      config.setChunkedEncoding(false);
      config.setReadUnknownFieldData(true);
      kryo.setDefaultSerializer(new SerializerFactory.BaseSerializerFactory<BoundedCompatibleFieldSerializer<?>>() {
        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public BoundedCompatibleFieldSerializer<?> newSerializer(Kryo k, Class type) {
          return new BoundedCompatibleFieldSerializer<>(k, type, config);
        }
      });
    }
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
    BoundedKryo kryo = kryos.obtain();
    kryo.startValue(length);
    Object value;
    try {
      value = kryo.readClassAndObject(input);
    } catch (RuntimeException | StackOverflowError | LinkageError e) {
      // untrusted bytes: Kryo and the classes' own code may throw anything; the Kryo is not reused
      if (e instanceof KryoException && String.valueOf(e.getMessage()).contains("unregistered class ID")) {
        throw new SerializationException(this + ": the stored value names a class this serializer does not register ("
            + e.getMessage() + "); it is never instantiated. Registered: " + registered.stream().map(Class::getName)
            .toList() + " (ids from " + FIRST_ID + " in this order): register the class that wrote it", e);
      }
      throw new SerializationException(this + ": cannot read the stored value: " + e, e);
    }
    kryos.free(kryo);
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
    BoundedKryo kryo = kryos.obtain();
    kryo.startValue(Integer.MAX_VALUE);
    try {
      kryo.writeClassAndObject(output, value);
    } catch (RuntimeException | StackOverflowError e) {
      release(output);
      throw new SerializationException(this + ": cannot serialize " + value.getClass().getName() + ": " + e, e);
    } finally {
      kryos.free(kryo);
    }
    if (kryo.elements > (long) output.position() + FREE_ELEMENTS) {
      release(output);
      throw new SerializationException(
          this + ": cannot serialize " + value.getClass().getName() + ": " + kryo.elements
              + " collection elements in " + output.position() + " bytes; a value may hold at most "
              + FREE_ELEMENTS + " more than it has bytes (nulls and objects without fields take none)");
    }
    return output;
  }

  @Override
  public boolean isImmutable() {
    return false;
  }

  @Override
  public T copy(T value) {
    BoundedKryo kryo = kryos.obtain();
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
    return (registrationRequired ? "kryo(" : "unsafeKryoWithoutRegistration(") + type.getName()
        + (compatibleFields ? ", compatible fields" : "") + ")";
  }

  static void registerReader() {
    SerializerSnapshots.register(ID, (version, in) -> {
      if (version != 1 && version != 2) {
        throw new SerializationException("unknown version " + version + " of serializer snapshot '" + ID + "'");
      }
      return new Snapshot<>(in.readString(), SnapshotCodec.readNames(in), in.readBoolean(),
          version == 2 && in.readBoolean());
    });
  }

  /**
   * Checks that {@code count} units of at least {@code bytesPerUnit} bytes each fit in the bytes
   * {@code input} has left.
   */
  private static void requireBytes(Input input, long count, int bytesPerUnit) {
    int left = input.limit() - input.position();
    if (count < 0 || count * bytesPerUnit > left) {
      throw new KryoException("Buffer underflow: " + count + " elements declared, " + left + " bytes left");
    }
  }

  /** Checks the length that the var-int at the input's position declares (length + 1; 0 is null). */
  private static void requireDeclaredLength(Input input) {
    int start = input.position();
    int declared = input.readVarInt(true) - 1;
    input.setPosition(start);
    requireBytes(input, Math.max(declared, 0), 1);
  }

  /**
   * A Kryo input over a fixed byte range that checks declared string and primitive array lengths
   * against the bytes left before allocating, so a corrupt length cannot exhaust the heap.
   */
  /**
   * Kryo's compatible field serializer, with the count of field names it reads at a class's first
   * value checked against the bytes left (each name takes at least a byte) before Kryo allocates it.
   */
  private static final class BoundedCompatibleFieldSerializer<T> extends CompatibleFieldSerializer<T> {
    BoundedCompatibleFieldSerializer(Kryo kryo, Class<T> type, CompatibleFieldSerializerConfig config) {
      super(kryo, type, config);
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> type) {
      if (kryo.getGraphContext().get(this) == null) {
        int start = input.position();
        int names = input.readVarInt(true);
        input.setPosition(start);
        requireBytes(input, names, 1);
      }
      return super.read(kryo, input, type);
    }
  }

  private static final class BoundedInput extends Input {
    BoundedInput(byte[] bytes, int offset, int length) {
      super(bytes, offset, length);
    }

    private void check(int count, int bytesPerUnit) {
      requireBytes(this, count, bytesPerUnit);
    }

    /** Checks the char count of a UTF-8 string (ASCII strings are read as they come). */
    private void checkStringLength() {
      if (readVarIntFlag()) {
        int start = position;
        int count = readVarIntFlag(true) - 1; // 0 is null, 1 the empty string
        position = start;
        check(Math.max(count, 0), 1);
      }
    }

    @Override
    public String readString() {
      checkStringLength();
      return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
      checkStringLength();
      return super.readStringBuilder();
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
   * A Kryo that counts the collection elements of the value being read or written and replaces
   * Kryo's serializers of collections, maps and object arrays by ones that check declared sizes
   * against the bytes left.
   */
  private static final class BoundedKryo extends Kryo {
    private long elements;
    private long elementLimit;

    /** Starts counting the elements of a value of {@code bytes} bytes. */
    void startValue(int bytes) {
      elements = 0;
      elementLimit = (long) bytes + FREE_ELEMENTS;
    }

    /**
     * Counts a collection of {@code size} elements and returns the capacity to allocate for it now:
     * at most the bytes left, since the elements that take none are few.
     */
    int claim(Input input, int size) {
      countElements(size);
      return Math.min(size, input.limit() - input.position());
    }

    void countElements(int size) {
      elements += size;
      if (elements > elementLimit) {
        throw new KryoException(
            elements + " collection elements in a value of " + (elementLimit - FREE_ELEMENTS) + " bytes");
      }
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Serializer getDefaultSerializer(Class type) {
      Serializer serializer = super.getDefaultSerializer(type);
      Class<?> kind = serializer.getClass();
      if (kind == CollectionSerializer.class) {
        return new BoundedCollectionSerializer();
      }
      if (kind == PriorityQueueSerializer.class) {
        return new BoundedPriorityQueueSerializer();
      }
      if (kind == ArraysAsListSerializer.class) {
        return new BoundedArraysAsListSerializer();
      }
      if (kind == MapSerializer.class) {
        return new BoundedMapSerializer();
      }
      if (kind == ObjectArraySerializer.class) {
        return new BoundedObjectArraySerializer(this, type);
      }
      if (kind == StringArraySerializer.class) {
        return new BoundedStringArraySerializer();
      }
      return serializer;
    }
  }

  private static final class BoundedCollectionSerializer extends CollectionSerializer<Collection<Object>> {
    @Override
    public void write(Kryo kryo, Output output, Collection<Object> collection) {
      ((BoundedKryo) kryo).countElements(collection.size());
      super.write(kryo, output, collection);
    }

    @Override
    protected Collection<Object> create(Kryo kryo, Input input, Class<? extends Collection<Object>> type, int size) {
      return super.create(kryo, input, type, ((BoundedKryo) kryo).claim(input, size));
    }
  }

  private static final class BoundedPriorityQueueSerializer extends PriorityQueueSerializer {
    @Override
    public void write(Kryo kryo, Output output, PriorityQueue collection) {
      ((BoundedKryo) kryo).countElements(collection.size());
      super.write(kryo, output, collection);
    }

    @Override
    protected PriorityQueue create(Kryo kryo, Input input, Class<? extends PriorityQueue> type, int size) {
      return super.create(kryo, input, type, ((BoundedKryo) kryo).claim(input, size));
    }
  }

  private static final class BoundedArraysAsListSerializer extends ArraysAsListSerializer {
    @Override
    public void write(Kryo kryo, Output output, List collection) {
      ((BoundedKryo) kryo).countElements(collection.size());
      super.write(kryo, output, collection);
    }

    @Override
    protected List create(Kryo kryo, Input input, Class type, int size) {
      return super.create(kryo, input, type, ((BoundedKryo) kryo).claim(input, size));
    }
  }

  /** Map entries take at least a byte each (a null marker or a class id before the key). */
  private static final class BoundedMapSerializer extends MapSerializer<Map<Object, Object>> {
    @Override
    protected Map<Object, Object> create(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type, int size) {
      requireBytes(input, size, 1);
      return super.create(kryo, input, type, size);
    }
  }

  /** Array elements take at least a byte each (a null marker, a class id or a string's first byte). */
  private static final class BoundedObjectArraySerializer extends ObjectArraySerializer {
    BoundedObjectArraySerializer(Kryo kryo, Class<?> type) {
      super(kryo, type);
    }

    @Override
    public Object[] read(Kryo kryo, Input input, Class type) {
      requireDeclaredLength(input);
      return super.read(kryo, input, type);
    }
  }

  private static final class BoundedStringArraySerializer extends StringArraySerializer {
    @Override
    public String[] read(Kryo kryo, Input input, Class type) {
      requireDeclaredLength(input);
      return super.read(kryo, input, type);
    }
  }

  /**
   * The snapshot of a Kryo serializer: the type, the other registered classes in id order, whether
   * registration was required, and whether fields are compatible ({@link CompatibleFieldSerializer}).
   * Kryo's bytes carry the registration ids: registrations added at the end read the stored bytes as
   * is; reordered or inserted ones through a reconfigured serializer that registers the stored order
   * first (the state migrates to the new ids); a class no longer registered, another type, or a
   * changed mode is incompatible. Encoded as version 2 (version 1, without the field mode, reads as
   * not compatible).
   *
   * @param type the declared type's class name (registered first)
   * @param registeredClasses the other registered classes' names, in id order
   * @param registrationRequired whether unregistered classes are refused
   * @param compatibleFields whether objects were written with Kryo's compatible field serializer
   */
  record Snapshot<T>(String type, List<String> registeredClasses, boolean registrationRequired, boolean compatibleFields)
      implements TypeSerializerSnapshot<T> {

    Snapshot {
      registeredClasses = List.copyOf(registeredClasses);
    }

    /** A snapshot of the default field mode. */
    Snapshot(String type, List<String> registeredClasses, boolean registrationRequired) {
      this(type, registeredClasses, registrationRequired, false);
    }

    @Override
    public String id() {
      return ID;
    }

    @Override
    public int version() {
      return compatibleFields ? 2 : 1;
    }

    @Override
    public void write(DataOutputBuffer out) {
      out.writeString(type);
      SnapshotCodec.writeNames(registeredClasses, out);
      out.writeBoolean(registrationRequired);
      if (compatibleFields) {
        out.writeBoolean(true);
      }
    }

    @Override
    public SchemaCompatibility resolveCompatibility(TypeSerializer<T> newSerializer) {
      if (!(newSerializer instanceof KryoSerializer<?> kryo)) {
        return SnapshotCodec.otherFamily(this, newSerializer);
      }
      if (equals(kryo.snapshot)) {
        return SchemaCompatibility.compatibleAsIs();
      }
      Snapshot<?> now = kryo.snapshot;
      if (!type.equals(now.type) || registrationRequired != now.registrationRequired
          || compatibleFields != now.compatibleFields) {
        return SchemaCompatibility.incompatible("the Kryo type or mode (registration required, compatible fields) changed: stored " + this + ", new " + now);
      }
      List<String> missing = registeredClasses.stream().filter(c -> !now.registeredClasses.contains(c)).toList();
      if (!missing.isEmpty()) {
        return SchemaCompatibility.incompatible("the Kryo registration no longer holds " + missing + ", which the"
            + " stored data may contain (class ids are stored): keep registering them; stored " + this + ", new " + now);
      }
      if (now.registeredClasses.subList(0, registeredClasses.size()).equals(registeredClasses)) {
        return SchemaCompatibility.compatibleAsIs(); // classes appended: the stored ids are unchanged
      }
      List<Class<?>> order = new ArrayList<>();
      for (String name : registeredClasses) {
        order.add(kryo.registered.get(1 + now.registeredClasses.indexOf(name)));
      }
      for (Class<?> c : kryo.registered.subList(1, kryo.registered.size())) {
        if (!order.contains(c)) {
          order.add(c);
        }
      }
      KryoSerializer<?> reconfigured = new KryoSerializer<>(kryo.type, registrationRequired, compatibleFields,
          order.toArray(new Class<?>[0]));
      return SchemaCompatibility.compatibleWithReconfiguredSerializer(
          "the Kryo registrations were reordered: stored " + registeredClasses + ", new " + now.registeredClasses,
          reconfigured);
    }

    @Override
    public String toString() {
      return "kryo(" + type + ", registered " + registeredClasses
          + (registrationRequired ? "" : ", registration NOT required")
          + (compatibleFields ? ", compatible fields" : "") + ")";
    }
  }
}
