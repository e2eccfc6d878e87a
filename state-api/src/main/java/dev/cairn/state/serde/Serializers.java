package dev.cairn.state.serde;

import java.util.List;
import java.util.Map;

/**
 * Cairn's serializers. Scalars are constants; collections, records, POJOs, enums and Kryo are made
 * by factories; {@link #of(Class)} picks the serializer for a class.
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
  /** {@code long[]}, a var-int length and 8 bytes big-endian per element; copied on read and write. */
  public static final TypeSerializer<long[]> LONG_ARRAY = BuiltInSerializers.LongArraySerializer.INSTANCE;
  /** {@code int[]}, a var-int length and 4 bytes big-endian per element; copied on read and write. */
  public static final TypeSerializer<int[]> INT_ARRAY = BuiltInSerializers.IntArraySerializer.INSTANCE;
  /** {@code double[]}, a var-int length and the IEEE 754 bits per element; copied on read and write. */
  public static final TypeSerializer<double[]> DOUBLE_ARRAY = BuiltInSerializers.DoubleArraySerializer.INSTANCE;

  private Serializers() {}

  /**
   * Returns a serializer of lists: a var-int count, then the elements. Null elements are rejected
   * with {@link dev.cairn.state.SerializationException}; lists read back are {@link java.util.ArrayList}s.
   * A count larger than the bytes left is rejected as corrupt before anything is read, so every
   * element must take at least one byte: a list whose elements take fewer bytes than their number
   * (elements that serialize to nothing, such as records without components) is refused when written.
   * The stable hash is {@code 31 * h + elementHash} over the elements, starting at 1 (the rule of
   * {@link List#hashCode()}).
   *
   * @param element the element serializer
   * @throws NullPointerException if {@code element} is null
   */
  public static <E> TypeSerializer<List<E>> listOf(TypeSerializer<E> element) {
    return new ListSerializer<>(element);
  }

  /**
   * Returns a serializer of maps: a var-int count, then per entry the key, a presence byte and the
   * value if not null. Null keys are rejected with {@link dev.cairn.state.SerializationException};
   * null values are kept. Maps read back are {@link java.util.HashMap}s. The stable hash is the sum
   * of {@code keyHash ^ valueHash} over the entries (the rule of {@link Map#hashCode()}, 0 for a
   * null value), independent of iteration order.
   *
   * @throws NullPointerException if a serializer is null
   */
  public static <K, V> TypeSerializer<Map<K, V>> mapOf(TypeSerializer<K> key, TypeSerializer<V> value) {
    return new MapSerializer<>(key, value);
  }

  /**
   * Returns a serializer of {@code Optional} values: a presence byte, then the value when present.
   * State written by {@code value}'s own serializer (or a compatible one) migrates to it, each value
   * becoming present.
   *
   * @throws NullPointerException if {@code value} is null
   */
  public static <T> TypeSerializer<java.util.Optional<T>> optionalOf(TypeSerializer<T> value) {
    return new OptionalSerializer<>(value);
  }

  /**
   * Returns a serializer of the constants of {@code type}, stored as their ordinal. The snapshot
   * keeps the constant names in order: on restore, added constants read old data as is, reordered
   * ones through a reconfigured serializer (compatible, migrated), while renamed or removed ones are
   * incompatible. The stable hash is {@code name().hashCode()}.
   *
   * @throws IllegalArgumentException if {@code type} is not an enum class
   */
  public static <E extends Enum<E>> TypeSerializer<E> enumOf(Class<E> type) {
    return new EnumSerializer<>(type);
  }

  /**
   * Returns a serializer of the record class {@code type}, with the component serializers derived
   * from the component types: primitives and their boxes, {@code String}, {@code byte[]}, {@code
   * long[]}, {@code int[]}, {@code double[]}, enums, nested records, and {@code List<X>}, {@code
   * Map<X, Y>} and {@code Optional<X>} of these. Components of a reference type may be null (a
   * presence byte precedes them). Values are read back through the canonical constructor. The
   * serializer is immutable when all component serializers are; the stable hash is {@code 31 * h +
   * componentHash} over the components, starting at 1, 0 for null.
   *
   * <p><b>Evolution.</b> The snapshot holds the record class name and, per component, its name and
   * its serializer's snapshot, so state written by an earlier version of the record restores into
   * this one (the backends migrate it when the state is registered):
   *
   * <ul>
   *   <li>components are matched by name, so reordering is free; a renamed component declares its
   *       former names with {@link StateAlias};
   *   <li>an added component takes its {@link StateDefault}, or its type's zero, {@code false},
   *       null or {@code Optional.empty()};
   *   <li>a removed component's stored values are dropped;
   *   <li>widening migrates: {@code int} to {@code long} or {@code double}, {@code float} to {@code
   *       double} (every exact widening of {@link SimpleSerializerSnapshot}), a primitive to its box,
   *       {@code X} to {@code Optional<X>} (a stored null becomes empty), and nested records, lists,
   *       maps and enums evolve by the same rules (enum constants may be added and reordered, not
   *       removed);
   *   <li>any other change (another record class, a type no rule converts, a box to a primitive) is
   *       incompatible: restoring fails with an {@link dev.cairn.state.IncompatibleSchemaException}
   *       that names the state, the component and its old and new serializer.
   * </ul>
   *
   * @throws IllegalArgumentException if {@code type} is not a record, is recursive, a component has
   *     a type with no automatic serializer (the message names the record and the component; use
   *     {@link #record(Class, TypeSerializer[])} or {@link #kryo(Class, Class[])} then), or a {@link
   *     StateDefault} does not parse for its component's type
   */
  public static <R extends Record> TypeSerializer<R> record(Class<R> type) {
    return RecordDerivation.derive(type);
  }

  /**
   * Returns a serializer of the record class {@code type} with the given component serializers, one
   * per component in declaration order; otherwise as {@link #record(Class)}, evolution included.
   *
   * @throws IllegalArgumentException if {@code type} is not a record, the number of serializers is
   *     not the number of components, or a {@link StateDefault} does not parse
   * @throws NullPointerException if a serializer is null
   */
  public static <R extends Record> TypeSerializer<R> record(Class<R> type, TypeSerializer<?>... componentSerializers) {
    return new RecordSerializer<>(type, componentSerializers);
  }

  /**
   * Returns a serializer of the POJO class {@code type}: a concrete class (a static member class if
   * nested) with a no-argument constructor of any visibility, whose state is its non-static,
   * non-transient, non-final fields, its superclasses' included. Fields are written in the order of
   * their names, each serializer derived from the field's type as for {@link #record(Class)} (nested
   * POJOs included); a value is read back by the no-argument constructor and then each field set.
   * Fields are read and written directly (as Flink does), or through a public {@code getX} / {@code
   * isX} and {@code setX} when the field cannot be made accessible (a named module that does not
   * open its package to {@code dev.cairn.state}). POJOs are mutable: values are copied on read and
   * write (heap backend), field by field. The stable hash is {@code 31 * h + fieldHash} over the
   * fields in name order, starting at 1, 0 for null.
   *
   * <p><b>Evolution</b> follows the rules of {@link #record(Class)}: fields are matched by name (or
   * {@link StateAlias}), their order is free, a removed field's values are dropped, widenings
   * migrate, nested records and POJOs evolve recursively, and a change no rule covers is
   * incompatible, naming the state, the field and its old and new serializer. An added field takes
   * its {@link StateDefault}, or otherwise keeps what the no-argument constructor gave it (its
   * type's zero or null, unless the class initializes it). A POJO may become a record of the same
   * class name, and a record a POJO: the state migrates by the same rules.
   *
   * @throws IllegalArgumentException naming the class (and the field) if {@code type} is not a POJO,
   *     a field is final, two fields share a name, a field's type has no automatic serializer, a field
   *     can be reached neither directly nor through a getter and setter, or a {@link StateDefault}
   *     does not parse
   */
  public static <T> TypeSerializer<T> pojo(Class<T> type) {
    return RecordDerivation.derivePojo(type);
  }

  /**
   * Returns the serializer Cairn derives for {@code type}, the automatic choice: the constant for a
   * boxed scalar (or its primitive), {@code String}, {@code byte[]}, {@code long[]}, {@code int[]}
   * and {@code double[]}; {@link #enumOf} for an enum; {@link #record(Class)} for a record; {@link
   * #pojo(Class)} for any other class outside {@code java.*} and {@code javax.*} that has the shape
   * of a POJO. Generic types ({@code List<X>}, ...) need their factories ({@link #listOf}, ...).
   *
   * @throws IllegalArgumentException naming the class and why if there is no automatic serializer
   *     (then use {@link #kryo(Class, Class[])} or a hand-written serializer)
   */
  public static <T> TypeSerializer<T> of(Class<T> type) {
    return RecordDerivation.of(type);
  }

  /**
   * Returns {@code now} with a user {@link StateMigrator} from the data {@code old} reads: give it to
   * the state's descriptor in place of {@code now}. When a restored state is registered with it, the
   * backend reads every stored value (list element, map value) with {@code old} — itself resolved
   * against the stored serializer, so {@code old} may be an evolved version of what wrote the data —
   * converts it with {@code migrator} and keeps the result as {@code now} writes it. The migration's
   * {@code name} is stored with the state's serializer snapshot: state it already migrated (restored
   * from a later checkpoint) is read as is, so the conversion runs exactly once even when {@code old}
   * and {@code now} write the same bytes (a change of units). Otherwise the serializer is {@code now}:
   * same bytes, copies and hash.
   *
   * @param name names this migration, for the snapshot and messages (such as {@code
   *     "millis-to-seconds"}); a later migration of the same state needs another name
   * @param old reads the stored data (the state's serializer before this migration)
   * @param now the state's serializer from now on
   * @param migrator converts one old value to a new one
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   */
  public static <O, N> TypeSerializer<N> migrating(
      String name, TypeSerializer<O> old, TypeSerializer<N> now, StateMigrator<O, N> migrator) {
    return new MigratingSerializer<>(name, old, now, migrator);
  }

  /**
   * Returns a Kryo 5 serializer of {@code type} and its subclasses, with class registration
   * required: {@code type} and then {@code registeredClasses} are registered with fixed ids in this
   * order, and every other class is refused (when writing, and when reading bytes that name it).
   * Register every concrete class a value can contain (collection classes such as {@code
   * java.util.ArrayList} included). The registration is part of the format (class ids are stored):
   * classes added at the end read stored data as is; a reordered or inserted registration migrates
   * (the stored order is read through a reconfigured serializer); a class no longer registered is
   * incompatible; bytes naming a class id that is not registered fail with a {@link
   * dev.cairn.state.SerializationException}, never instantiating anything. The fields of a class
   * cannot change in this mode: use {@link #kryoCompatibleFields} for evolving classes. The stable hash is {@link java.util.Arrays#hashCode(byte[])}
   * of the serialized bytes. Never falls back to Java serialization.
   *
   * <p>Reading hostile bytes fails with {@link dev.cairn.state.SerializationException} in memory
   * bounded by the value's size: string lengths, array lengths, map sizes and collection capacities
   * are checked against the bytes left before anything is allocated; objects nest at most 1,000
   * deep; and the collections of one value may hold at most 4,096 more elements than the value has bytes (nulls and objects without
   * fields take no bytes) — a value beyond that is refused when written.
   *
   * @throws IllegalArgumentException if a class is listed twice or cannot be registered
   */
  public static <T> TypeSerializer<T> kryo(Class<T> type, Class<?>... registeredClasses) {
    return new KryoSerializer<>(type, true, registeredClasses);
  }

  /**
   * Returns a Kryo 5 serializer of {@code type} in <b>compatible-field mode</b>, for classes that
   * evolve: objects are written with Kryo's {@code CompatibleFieldSerializer} (each class's field
   * names, each field's value with its class), so fields may be added (they keep what the
   * instantiated object has), removed (their values are read and dropped: keep their classes
   * registered) and reordered without a migration. Registration is required as for {@link
   * #kryo(Class, Class[])}, whose rules for changed registrations apply too; the bytes are larger and
   * slower than the default mode's, and a state cannot switch between the two modes.
   *
   * @throws IllegalArgumentException if a class is listed twice or cannot be registered
   */
  public static <T> TypeSerializer<T> kryoCompatibleFields(Class<T> type, Class<?>... registeredClasses) {
    return new KryoSerializer<>(type, true, true, registeredClasses);
  }

  /**
   * Returns a Kryo 5 serializer of {@code type} that accepts <b>unregistered classes</b>, writing their
   * class names into the data. <b>Unsafe for untrusted checkpoints:</b> restoring a value loads any
   * class the bytes name and runs its static initializer and its no-argument constructor (or
   * instantiates it without one), the classic deserialization attack; the data also breaks when any
   * class is renamed. Bytes that make such code fail end in a {@link dev.cairn.state.SerializationException},
   * but whatever that code did has happened. Use {@link #kryo(Class, Class[])} unless every checkpoint
   * is fully trusted and the class set is truly open. Otherwise as {@link #kryo(Class, Class[])},
   * bounds included.
   */
  public static <T> TypeSerializer<T> unsafeKryoWithoutRegistration(Class<T> type) {
    return new KryoSerializer<>(type, false);
  }
}
