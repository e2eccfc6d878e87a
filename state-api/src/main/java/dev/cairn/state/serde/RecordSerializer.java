package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Java records, component by component in declaration order. A component of a reference type is
 * preceded by a presence byte (0 null, 1 present); a primitive component is written as is. Values
 * are read back through the canonical constructor, so its validation runs on restore too.
 * Components are read and the record built through method handles made once: the serializer is
 * stateless after construction and thread-safe.
 *
 * <p>The stable hash combines the components' stable hashes like {@link java.util.List#hashCode()}
 * (31 * h + component, starting at 1, 0 for null).
 *
 * <p>Evolution ({@link Snapshot#resolveCompatibility}): components are matched by name, or by a
 * {@link StateAlias}; an added one takes its {@link StateDefault} or its type's zero, null or empty
 * optional; a removed one is skipped; the order is free; a primitive may become its box, a value
 * an {@code Optional} of it, and nested serializers migrate by their own rules. Anything else is
 * incompatible, naming the component and its old and new serializer.
 */
final class RecordSerializer<R extends Record> implements TypeSerializer<R> {

  static final String ID = "cairn.record";

  private static final MethodType ACCESSOR_TYPE = MethodType.methodType(Object.class, Object.class);
  private static final MethodType CONSTRUCTOR_TYPE = MethodType.methodType(Object.class, Object[].class);

  private final Class<R> type;
  private final String[] names;
  private final boolean[] nullable;
  private final TypeSerializer<Object>[] serializers;
  private final MethodHandle[] accessors;
  private final MethodHandle constructor;
  /** Per component, its earlier names ({@link StateAlias}). */
  private final String[][] aliases;
  /** Per component, the value it takes when restored data lacks it. */
  private final Object[] defaults;
  private final boolean immutable;
  private final Snapshot<R> snapshot;

  /**
   * Creates the serializer of {@code type} with one serializer per component, in declaration order.
   *
   * @throws IllegalArgumentException if {@code type} is not a record, the count differs, or the
   *     record's constructor and accessors cannot be reached
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  RecordSerializer(Class<R> type, TypeSerializer<?>... componentSerializers) {
    RecordComponent[] components = components(type);
    if (componentSerializers.length != components.length) {
      throw new IllegalArgumentException(
          "record " + type.getName() + " has " + components.length + " components, got "
              + componentSerializers.length + " serializers");
    }
    int n = components.length;
    this.type = type;
    this.names = new String[n];
    this.nullable = new boolean[n];
    this.serializers = new TypeSerializer[n];
    this.accessors = new MethodHandle[n];
    this.aliases = new String[n][];
    this.defaults = new Object[n];
    Class<?>[] parameterTypes = new Class<?>[n];
    List<Snapshot.Component> snapshotComponents = new ArrayList<>(n);
    boolean allImmutable = true;
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    try {
      for (int i = 0; i < n; i++) {
        RecordComponent c = components[i];
        if (componentSerializers[i] == null) {
          throw new NullPointerException(
              "serializer of component '" + c.getName() + "' of record " + type.getName() + " is null");
        }
        names[i] = c.getName();
        nullable[i] = !c.getType().isPrimitive();
        serializers[i] = (TypeSerializer<Object>) componentSerializers[i];
        allImmutable &= serializers[i].isImmutable();
        parameterTypes[i] = c.getType();
        var accessor = c.getAccessor();
        accessor.setAccessible(true);
        accessors[i] = lookup.unreflect(accessor).asType(ACCESSOR_TYPE);
        snapshotComponents.add(new Snapshot.Component(names[i], nullable[i], serializers[i].snapshot()));
        StateAlias alias = c.getAnnotation(StateAlias.class);
        aliases[i] = alias == null ? new String[0] : alias.value().clone();
        defaults[i] = defaultOf(c, type);
      }
      Constructor<R> canonical = type.getDeclaredConstructor(parameterTypes);
      canonical.setAccessible(true);
      this.constructor =
          lookup.unreflectConstructor(canonical).asSpreader(Object[].class, n).asType(CONSTRUCTOR_TYPE);
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (e instanceof NullPointerException || e instanceof IllegalArgumentException) {
        throw (RuntimeException) e;
      }
      throw new IllegalArgumentException(
          "cannot reach the canonical constructor and accessors of record " + type.getName()
              + " (in a named module, open its package to Cairn): " + e, e);
    }
    this.immutable = allImmutable;
    this.snapshot = new Snapshot<>(type.getName(), snapshotComponents);
  }

  /** Returns the components of {@code type}, which must be a record class. */
  static RecordComponent[] components(Class<?> type) {
    if (type == null) {
      throw new NullPointerException("record class must not be null");
    }
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type.getName() + " is not a record class");
    }
    return type.getRecordComponents();
  }

  /**
   * Returns the value component {@code c} takes when restored data lacks it: its {@link
   * StateDefault} parsed, else zero, {@code false}, {@code Optional.empty()} or null.
   *
   * @throws IllegalArgumentException naming the record and component if the default does not parse
   */
  private static Object defaultOf(RecordComponent c, Class<?> record) {
    StateDefault declared = c.getAnnotation(StateDefault.class);
    Class<?> t = c.getType();
    if (declared == null) {
      return t == Optional.class ? Optional.empty() : ZEROS.get(t);
    }
    try {
      if (t == Optional.class) {
        Type arg = c.getGenericType() instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
        return Optional.of(parse(declared.value(), arg instanceof Class<?> k ? k : Object.class));
      }
      return parse(declared.value(), t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "@StateDefault(\"" + declared.value() + "\") of component '" + c.getName() + "' of record " + record.getName()
              + " is not a " + c.getGenericType().getTypeName() + ": " + e.getMessage(), e);
    }
  }

  private static final Map<Class<?>, Object> ZEROS = Map.of(long.class, 0L, int.class, 0, short.class, (short) 0,
      byte.class, (byte) 0, double.class, 0.0, float.class, 0.0f, boolean.class, false, char.class, (char) 0);

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object parse(String text, Class<?> t) {
    if (t == String.class) {
      return text;
    }
    if (t.isEnum()) {
      return Enum.valueOf((Class) t, text);
    }
    if (t == long.class || t == Long.class) {
      return Long.parseLong(text);
    }
    if (t == int.class || t == Integer.class) {
      return Integer.parseInt(text);
    }
    if (t == short.class || t == Short.class) {
      return Short.parseShort(text);
    }
    if (t == byte.class || t == Byte.class) {
      return Byte.parseByte(text);
    }
    if (t == double.class || t == Double.class) {
      return Double.parseDouble(text);
    }
    if (t == float.class || t == Float.class) {
      return Float.parseFloat(text);
    }
    if (t == boolean.class || t == Boolean.class) {
      if (!text.equals("true") && !text.equals("false")) {
        throw new IllegalArgumentException("expected true or false");
      }
      return Boolean.parseBoolean(text);
    }
    if ((t == char.class || t == Character.class) && text.length() == 1) {
      return text.charAt(0);
    }
    throw new IllegalArgumentException("a default can be declared only for numbers, booleans, characters, strings, "
        + "enums and optionals of them");
  }

  @Override
  public void serialize(R value, DataOutputBuffer out) {
    for (int i = 0; i < names.length; i++) {
      Object v = component(value, i);
      if (nullable[i]) {
        if (v == null) {
          out.writeByte(0);
          continue;
        }
        out.writeByte(1);
      }
      serializers[i].serialize(v, out);
    }
  }

  @Override
  public R deserialize(DataInputBuffer in) {
    Object[] args = new Object[names.length];
    for (int i = 0; i < names.length; i++) {
      if (nullable[i]) {
        int present = in.readUnsignedByte();
        if (present == 0) {
          continue;
        }
        if (present != 1) {
          throw new SerializationException(
              this + ": corrupt data: presence byte " + present + " of component '" + names[i]
                  + "' at position " + (in.position() - 1));
        }
      }
      args[i] = serializers[i].deserialize(in);
    }
    return construct(args);
  }

  @Override
  public boolean isImmutable() {
    return immutable;
  }

  @Override
  public R copy(R value) {
    if (immutable) {
      return value;
    }
    Object[] args = new Object[names.length];
    for (int i = 0; i < names.length; i++) {
      Object v = component(value, i);
      args[i] = v == null ? null : serializers[i].copy(v);
    }
    return construct(args);
  }

  @Override
  public int stableHash(R value) {
    int h = 1;
    for (int i = 0; i < names.length; i++) {
      Object v = component(value, i);
      h = 31 * h + (v == null ? 0 : serializers[i].stableHash(v));
    }
    return h;
  }

  @Override
  public TypeSerializerSnapshot<R> snapshot() {
    return snapshot;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("record(").append(type.getName()).append('{');
    for (int i = 0; i < names.length; i++) {
      s.append(i == 0 ? "" : ", ").append(names[i]).append(": ").append(serializers[i]);
    }
    return s.append("})").toString();
  }

  private Object component(R value, int i) {
    try {
      return (Object) accessors[i].invokeExact((Object) value);
    } catch (Error | SerializationException e) {
      throw e;
    } catch (Throwable t) {
      throw new SerializationException(this + ": accessor of component '" + names[i] + "' failed: " + t, t);
    }
  }

  private R construct(Object[] args) {
    try {
      return type.cast((Object) constructor.invokeExact(args));
    } catch (Error e) {
      throw e;
    } catch (Throwable t) {
      throw new SerializationException(this + ": the canonical constructor rejected the values: " + t, t);
    }
  }

  static void registerReader() {
    SerializerSnapshots.register(ID, (version, in) -> {
      SnapshotCodec.requireVersion(ID, version, 1);
      String recordClass = in.readString();
      int n = in.readLength(1);
      List<Snapshot.Component> components = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        components.add(new Snapshot.Component(in.readString(), in.readBoolean(), SerializerSnapshots.read(in)));
      }
      return new Snapshot<>(recordClass, components);
    });
  }

  /**
   * The snapshot of a record serializer: the record class name and, per component, its name,
   * whether it is nullable (of a reference type) and its serializer's snapshot. Reading it loads no
   * class.
   *
   * @param recordClass the record's class name
   * @param components the components in declaration order
   */
  record Snapshot<R>(String recordClass, List<Component> components) implements TypeSerializerSnapshot<R> {

    /**
     * One component.
     *
     * @param name the component name
     * @param nullable whether it is of a reference type (written with a presence byte)
     * @param serializer its serializer's snapshot
     */
    record Component(String name, boolean nullable, TypeSerializerSnapshot<?> serializer) {}

    Snapshot {
      components = List.copyOf(components);
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
      out.writeString(recordClass);
      out.writeVarInt(components.size());
      for (Component c : components) {
        out.writeString(c.name);
        out.writeBoolean(c.nullable);
        SerializerSnapshots.write(c.serializer, out);
      }
    }

    @Override
    public SchemaCompatibility resolveCompatibility(TypeSerializer<R> newSerializer) {
      if (equals(newSerializer.snapshot())) {
        return SchemaCompatibility.compatibleAsIs(); // whatever the serializer's class: the same format
      }
      if (!(newSerializer instanceof RecordSerializer<?> now)) {
        return SnapshotCodec.otherFamily(this, newSerializer);
      }
      if (!recordClass.equals(now.type.getName())) {
        return SchemaCompatibility.incompatible(
            "record class changed from " + recordClass + " to " + now.type.getName());
      }
      int[] source = sources(now);
      SchemaCompatibility verdict = SchemaCompatibility.compatibleAsIs();
      List<String> changes = new ArrayList<>();
      for (int i = 0; i < source.length; i++) {
        String name = now.names[i];
        if (source[i] < 0) {
          changes.add("component '" + name + "' added");
          continue;
        }
        Component c = components.get(source[i]);
        if (!c.name.equals(name)) {
          changes.add("component '" + c.name + "' renamed to '" + name + "'");
        } else if (source[i] != i) {
          changes.add("component '" + name + "' moved");
        }
        String where = "record " + recordClass + " component '" + name + "' (was " + describe(c.nullable, c.serializer)
            + ", is " + describe(now.nullable[i], now.serializers[i].snapshot()) + ")";
        if (c.nullable && !now.nullable[i]) {
          return SchemaCompatibility.incompatible(where + ": a nullable value cannot become a primitive");
        }
        if (!c.nullable && now.nullable[i]) {
          changes.add("component '" + name + "' boxed");
        }
        verdict = SnapshotCodec.worse(verdict, SnapshotCodec.nested(where, c.serializer, now.serializers[i]));
        if (verdict.isIncompatible()) {
          return verdict;
        }
      }
      for (int j = 0; j < components.size(); j++) {
        if (!contains(source, j)) {
          Component c = components.get(j);
          if (!SnapshotCodec.skippable(c.serializer)) {
            return SchemaCompatibility.incompatible("record " + recordClass + " component '" + c.name
                + "' was removed, and its serializer " + c.serializer + " is not one Cairn can skip");
          }
          changes.add("component '" + c.name + "' removed");
        }
      }
      if (changes.isEmpty()) {
        return verdict;
      }
      String reason = "record " + recordClass + ": " + String.join(", ", changes);
      return SnapshotCodec.worse(verdict, SchemaCompatibility.compatibleAfterMigration(reason));
    }

    /** Returns, per component of {@code now}, the index of the stored component it reads, or -1. */
    private int[] sources(RecordSerializer<?> now) {
      Map<String, Integer> byName = new HashMap<>();
      for (int j = 0; j < components.size(); j++) {
        byName.put(components.get(j).name, j);
      }
      int[] source = new int[now.names.length];
      for (int i = 0; i < source.length; i++) {
        Integer j = byName.get(now.names[i]);
        for (int a = 0; j == null && a < now.aliases[i].length; a++) {
          j = byName.get(now.aliases[i][a]);
        }
        source[i] = j == null ? -1 : j;
      }
      return source;
    }

    private static boolean contains(int[] values, int value) {
      for (int v : values) {
        if (v == value) {
          return true;
        }
      }
      return false;
    }

    private static String describe(boolean nullable, TypeSerializerSnapshot<?> serializer) {
      return (nullable ? "nullable " : "primitive ") + serializer;
    }

    /**
     * Returns the serializer that reads records this snapshot describes into {@code newSerializer}'s
     * record class, by the rules of {@link #resolveCompatibility}.
     */
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TypeSerializer<R> restoreSerializer(TypeSerializer<R> newSerializer) {
      if (!(newSerializer instanceof RecordSerializer<?> now) || !recordClass.equals(now.type.getName())) {
        return TypeSerializerSnapshot.super.restoreSerializer(newSerializer);
      }
      int[] source = sources(now);
      int[] target = new int[components.size()];
      Arrays.fill(target, -1);
      TypeSerializer<?>[] readers = new TypeSerializer<?>[components.size()];
      for (int i = 0; i < source.length; i++) {
        if (source[i] >= 0) {
          target[source[i]] = i;
          readers[source[i]] = SnapshotCodec.reader(components.get(source[i]).serializer, now.serializers[i]);
        }
      }
      RecordSerializer record = now;
      return new RestoreSerializer<>(newSerializer, in -> {
        Object[] args = record.defaults.clone();
        for (int j = 0; j < target.length; j++) {
          Component c = components.get(j);
          boolean present = !c.nullable || SnapshotCodec.presence(in, "component '" + c.name + "'");
          int i = target[j];
          if (i < 0) {
            if (present) {
              SnapshotCodec.skip(c.serializer, in);
            }
          } else if (present) {
            args[i] = readers[j].deserialize(in);
          } else {
            args[i] = record.defaults[i] instanceof Optional<?> ? Optional.empty() : null; // a stored null
          }
        }
        return (R) record.construct(args);
      }, toString());
    }

    @Override
    public String toString() {
      return "record(" + recordClass + components.stream().map(c -> c.name + ": " + c.serializer).toList() + ")";
    }
  }
}
