package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Java records, component by component in declaration order, and POJOs (see {@link #pojoParts}),
 * field by field in the order of their names: one serializer, one snapshot format and one set of
 * evolution rules for both; only how a value is taken apart and built differs ({@link Part}). A component of a reference type is
 * preceded by a presence byte (0 null, 1 present); a primitive component is written as is. Values
 * are read back through the canonical constructor, so its validation runs on restore too; a POJO is
 * built with its no-argument constructor, then each field set.
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
final class RecordSerializer<R> implements TypeSerializer<R> {

  static final String ID = "cairn.record";
  static final String POJO_ID = "cairn.pojo";

  private static final MethodType ACCESSOR_TYPE = MethodType.methodType(Object.class, Object.class);
  private static final MethodType CONSTRUCTOR_TYPE = MethodType.methodType(Object.class, Object[].class);
  private static final MethodType SETTER_TYPE = MethodType.methodType(void.class, Object.class, Object.class);
  private static final MethodType NO_ARG_TYPE = MethodType.methodType(Object.class);
  /** The default of a POJO field without {@link StateDefault}: keep what the no-argument constructor set. */
  private static final Object KEEP = new Object();

  private final Class<R> type;
  private final String[] names;
  private final boolean[] nullable;
  private final TypeSerializer<Object>[] serializers;
  private final MethodHandle[] accessors;
  /** Records: the canonical constructor, spreading an {@code Object[]}; POJOs: the no-argument one. */
  private final MethodHandle constructor;
  /** POJOs: per field, its setter ({@code (Object, Object) void}); null for records. */
  private final MethodHandle[] setters;
  /** Per component, its earlier names ({@link StateAlias}). */
  private final String[][] aliases;
  /** Per component, the value it takes when restored data lacks it. */
  private final Object[] defaults;
  private final boolean immutable;
  private final Snapshot<R> snapshot;

  /**
   * Creates the serializer of the record class {@code type} with one serializer per component, in
   * declaration order.
   *
   * @throws IllegalArgumentException if {@code type} is not a record, the count differs, or the
   *     record's constructor and accessors cannot be reached
   */
  RecordSerializer(Class<R> type, TypeSerializer<?>... componentSerializers) {
    this(type, recordParts(type), componentSerializers);
  }

  /**
   * Creates the serializer of {@code type}, a record or a POJO, from its {@code parts} ({@link
   * #recordParts} or {@link #pojoParts}) and one serializer per part.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  RecordSerializer(Class<R> type, List<Part> parts, TypeSerializer<?>... partSerializers) {
    boolean pojo = !type.isRecord();
    if (partSerializers.length != parts.size()) {
      throw new IllegalArgumentException(
          kind(pojo) + " " + type.getName() + " has " + parts.size() + (pojo ? " fields" : " components") + ", got "
              + partSerializers.length + " serializers");
    }
    int n = parts.size();
    this.type = type;
    this.names = new String[n];
    this.nullable = new boolean[n];
    this.serializers = new TypeSerializer[n];
    this.accessors = new MethodHandle[n];
    this.setters = pojo ? new MethodHandle[n] : null;
    this.aliases = new String[n][];
    this.defaults = new Object[n];
    Class<?>[] parameterTypes = new Class<?>[n];
    List<Snapshot.Component> snapshotComponents = new ArrayList<>(n);
    boolean allImmutable = !pojo;
    for (int i = 0; i < n; i++) {
      Part c = parts.get(i);
      if (partSerializers[i] == null) {
        throw new NullPointerException("serializer of " + c.describe(type) + " is null");
      }
      names[i] = c.name();
      nullable[i] = !c.type().isPrimitive();
      serializers[i] = (TypeSerializer<Object>) partSerializers[i];
      allImmutable &= serializers[i].isImmutable();
      parameterTypes[i] = c.type();
      accessors[i] = c.getter();
      if (pojo) {
        setters[i] = c.setter();
      }
      snapshotComponents.add(new Snapshot.Component(names[i], nullable[i], serializers[i].snapshot()));
      StateAlias alias = c.annotations().getAnnotation(StateAlias.class);
      aliases[i] = alias == null ? new String[0] : alias.value().clone();
      defaults[i] = defaultOf(c, type);
    }
    try {
      Constructor<R> constructor = pojo ? type.getDeclaredConstructor() : type.getDeclaredConstructor(parameterTypes);
      constructor.setAccessible(true);
      MethodHandle handle = MethodHandles.lookup().unreflectConstructor(constructor);
      this.constructor = pojo ? handle.asType(NO_ARG_TYPE)
          : handle.asSpreader(Object[].class, n).asType(CONSTRUCTOR_TYPE);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot reach the " + (pojo ? "no-argument" : "canonical") + " constructor of " + kind(pojo) + " "
              + type.getName() + " (in a named module, open its package to Cairn): " + e, e);
    }
    this.immutable = allImmutable;
    this.snapshot = new Snapshot<>(type.getName(), snapshotComponents, pojo);
  }

  /** Returns whether {@code className} is this serializer's class or one of its {@link StateAlias}es. */
  private boolean isOrWas(String className) {
    if (type.getName().equals(className)) {
      return true;
    }
    StateAlias alias = type.getAnnotation(StateAlias.class);
    return alias != null && List.of(alias.value()).contains(className);
  }

  private static String kind(boolean pojo) {
    return pojo ? "POJO" : "record";
  }

  /**
   * One named part of a class: a record component or a POJO field, with how to read it ({@code
   * getter}: {@code (Object) Object}) and, for POJOs, write it ({@code setter}: {@code (Object,
   * Object) void}; null for records).
   */
  record Part(String name, Class<?> type, Type genericType, AnnotatedElement annotations, MethodHandle getter,
      MethodHandle setter) {

    String describe(Class<?> owner) {
      return (setter == null ? "component '" : "field '") + name + "' of " + kind(setter != null) + " " + owner.getName();
    }
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

  /** Returns the components of the record class {@code type}, in declaration order. */
  static List<Part> recordParts(Class<?> type) {
    List<Part> parts = new ArrayList<>();
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    for (RecordComponent c : components(type)) {
      try {
        Method accessor = c.getAccessor();
        accessor.setAccessible(true);
        parts.add(new Part(c.getName(), c.getType(), c.getGenericType(), c,
            lookup.unreflect(accessor).asType(ACCESSOR_TYPE), null));
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException(
            "cannot reach the accessor of component '" + c.getName() + "' of record " + type.getName()
                + " (in a named module, open its package to Cairn): " + e, e);
      }
    }
    return parts;
  }

  /**
   * Returns why {@code type} is not a POJO, or null if it is one: a concrete class (not a record,
   * enum, interface, array or primitive; a static member class if nested) with a no-argument
   * constructor of any visibility.
   */
  static String notAPojo(Class<?> type) {
    if (type == null) {
      throw new NullPointerException("POJO class must not be null");
    }
    if (type.isPrimitive() || type.isArray() || type.isInterface() || type.isEnum() || type.isRecord()
        || Modifier.isAbstract(type.getModifiers())) {
      return "it is not a concrete class (records, enums, interfaces, abstract classes and arrays are not POJOs)";
    }
    if (type.isMemberClass() && !Modifier.isStatic(type.getModifiers()) || type.isLocalClass() || type.isAnonymousClass()) {
      return "it is an inner, local or anonymous class (make it a static member or top-level class)";
    }
    try {
      type.getDeclaredConstructor();
    } catch (NoSuchMethodException e) {
      return "it has no no-argument constructor";
    }
    return null;
  }

  /**
   * Returns the fields of the POJO class {@code type} in the order of their names: every non-static,
   * non-transient field it and its superclasses declare. Each is read and written directly (made
   * accessible), or, if that is refused (a named module that does not open the package), through a
   * public getter ({@code getX}, or {@code isX} for a {@code boolean}) and setter ({@code setX}).
   *
   * @throws IllegalArgumentException naming the class and the field if {@code type} is not a POJO,
   *     a field is final, two fields share a name, or a field can be reached neither way
   */
  static List<Part> pojoParts(Class<?> type) {
    String why = notAPojo(type);
    if (why != null) {
      throw new IllegalArgumentException(type.getName() + " is not a POJO: " + why);
    }
    Map<String, Field> fields = new HashMap<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.isSynthetic()) {
          continue;
        }
        if (Modifier.isFinal(m)) {
          throw new IllegalArgumentException("field '" + f.getName() + "' of POJO " + type.getName() + " is final: a"
              + " POJO is built with its no-argument constructor and then each field set; make it non-final, mark it"
              + " transient, or use a record");
        }
        Field previous = fields.putIfAbsent(f.getName(), f);
        if (previous != null) {
          throw new IllegalArgumentException("POJO " + type.getName() + " has two fields named '" + f.getName()
              + "' (in " + previous.getDeclaringClass().getName() + " and " + c.getName() + "); rename one");
        }
      }
    }
    List<Field> sorted = new ArrayList<>(fields.values());
    sorted.sort(Comparator.comparing(Field::getName));
    List<Part> parts = new ArrayList<>(sorted.size());
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    for (Field f : sorted) {
      MethodHandle getter;
      MethodHandle setter;
      try {
        if (f.trySetAccessible()) {
          getter = lookup.unreflectGetter(f);
          setter = lookup.unreflectSetter(f);
        } else {
          String suffix = Character.toUpperCase(f.getName().charAt(0)) + f.getName().substring(1);
          Method get = publicMethod(type, (f.getType() == boolean.class ? "is" : "get") + suffix);
          Method set = publicMethod(type, "set" + suffix, f.getType());
          if (get == null || set == null || get.getReturnType() != f.getType()) {
            throw new IllegalArgumentException("field '" + f.getName() + "' of POJO " + type.getName() + " cannot be"
                + " made accessible and has no public getter and setter: open its package to Cairn or add them");
          }
          getter = lookup.unreflect(get);
          setter = lookup.unreflect(set);
        }
      } catch (IllegalAccessException e) {
        throw new IllegalArgumentException("cannot reach field '" + f.getName() + "' of POJO " + type.getName()
            + " (in a named module, open its package to Cairn): " + e, e);
      }
      parts.add(new Part(f.getName(), f.getType(), f.getGenericType(), f, getter.asType(ACCESSOR_TYPE),
          setter.asType(SETTER_TYPE)));
    }
    return parts;
  }

  private static Method publicMethod(Class<?> type, String name, Class<?>... parameters) {
    try {
      return type.getMethod(name, parameters);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /**
   * Returns the value part {@code c} takes when restored data lacks it: its {@link StateDefault}
   * parsed, else for a record component zero, {@code false}, {@code Optional.empty()} or null, and
   * for a POJO field {@link #KEEP} (what the no-argument constructor set).
   *
   * @throws IllegalArgumentException naming the class and part if the default does not parse
   */
  private static Object defaultOf(Part c, Class<?> owner) {
    StateDefault declared = c.annotations().getAnnotation(StateDefault.class);
    Class<?> t = c.type();
    if (declared == null) {
      return c.setter() != null ? KEEP : t == Optional.class ? Optional.empty() : ZEROS.get(t);
    }
    try {
      if (t == Optional.class) {
        Type arg = c.genericType() instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
        return Optional.of(parse(declared.value(), arg instanceof Class<?> k ? k : Object.class));
      }
      return parse(declared.value(), t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "@StateDefault(\"" + declared.value() + "\") of " + c.describe(owner)
              + " is not a " + c.genericType().getTypeName() + ": " + e.getMessage(), e);
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
              this + ": corrupt data: presence byte " + present + " of " + part(i)
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
    StringBuilder s = new StringBuilder(setters == null ? "record(" : "pojo(").append(type.getName()).append('{');
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
      throw new SerializationException(this + ": reading " + part(i) + " failed: " + t, t);
    }
  }

  private String part(int i) {
    return (setters == null ? "component '" : "field '") + names[i] + "'";
  }

  /**
   * Builds a value: a record through its canonical constructor; a POJO through its no-argument
   * constructor, then each field set, except those whose argument is {@link #KEEP}.
   */
  private R construct(Object[] args) {
    if (setters == null) {
      try {
        return type.cast((Object) constructor.invokeExact(args));
      } catch (Error e) {
        throw e;
      } catch (Throwable t) {
        throw new SerializationException(this + ": the canonical constructor rejected the values: " + t, t);
      }
    }
    Object value;
    try {
      value = (Object) constructor.invokeExact();
    } catch (Error e) {
      throw e;
    } catch (Throwable t) {
      throw new SerializationException(this + ": the no-argument constructor failed: " + t, t);
    }
    for (int i = 0; i < args.length; i++) {
      if (args[i] != KEEP) {
        try {
          setters[i].invokeExact(value, args[i]);
        } catch (Error e) {
          throw e;
        } catch (Throwable t) {
          throw new SerializationException(this + ": setting " + part(i) + " failed: " + t, t);
        }
      }
    }
    return type.cast(value);
  }

  static void registerReader() {
    for (String id : List.of(ID, POJO_ID)) {
      SerializerSnapshots.register(id, (version, in) -> {
        SnapshotCodec.requireVersion(id, version, 1);
        String recordClass = in.readString();
        int n = in.readLength(1);
        List<Snapshot.Component> components = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          components.add(new Snapshot.Component(in.readString(), in.readBoolean(), SerializerSnapshots.read(in)));
        }
        return new Snapshot<>(recordClass, components, id.equals(POJO_ID));
      });
    }
  }

  /**
   * The snapshot of a record or POJO serializer: the class name and, per component (field), its
   * name, whether it is nullable (of a reference type) and its serializer's snapshot. Reading it
   * loads no class. Records and POJOs have the same payload under two ids, {@code cairn.record} and
   * {@code cairn.pojo}; one migrates into the other (a POJO turned into a record keeps its state).
   *
   * @param recordClass the class name
   * @param components the components (fields) in the order they are written
   * @param pojo whether the class is a POJO
   */
  record Snapshot<R>(String recordClass, List<Component> components, boolean pojo) implements TypeSerializerSnapshot<R> {

    /** The snapshot of a record serializer. */
    Snapshot(String recordClass, List<Component> components) {
      this(recordClass, components, false);
    }

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
      return pojo ? POJO_ID : ID;
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
      if (!now.isOrWas(recordClass)) {
        return SchemaCompatibility.incompatible(
            kind(pojo) + " class changed from " + recordClass + " to " + now.type.getName()
                + " (a renamed class declares its former names with @StateAlias)");
      }
      int[] source = sources(now);
      SchemaCompatibility verdict = SchemaCompatibility.compatibleAsIs();
      List<String> changes = new ArrayList<>();
      boolean nowPojo = now.setters != null;
      if (nowPojo != pojo) {
        changes.add("the " + kind(pojo) + " became a " + kind(nowPojo));
      }
      String part = nowPojo ? "field '" : "component '";
      for (int i = 0; i < source.length; i++) {
        String name = now.names[i];
        if (source[i] < 0) {
          changes.add(part + name + "' added");
          continue;
        }
        Component c = components.get(source[i]);
        if (!c.name.equals(name)) {
          changes.add(part + c.name + "' renamed to '" + name + "'");
        } else if (source[i] != i) {
          changes.add(part + name + "' moved");
        }
        String where = kind(nowPojo) + " " + recordClass + " " + part + name + "' (was " + describe(c.nullable, c.serializer)
            + ", is " + describe(now.nullable[i], now.serializers[i].snapshot()) + ")";
        if (c.nullable && !now.nullable[i]) {
          return SchemaCompatibility.incompatible(where + ": a nullable value cannot become a primitive");
        }
        if (!c.nullable && now.nullable[i]) {
          changes.add(part + name + "' boxed");
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
            return SchemaCompatibility.incompatible(kind(pojo) + " " + recordClass + " " + part + c.name
                + "' was removed, and its serializer " + c.serializer + " is not one Cairn can skip");
          }
          changes.add(part + c.name + "' removed");
        }
      }
      if (!recordClass.equals(now.type.getName())) {
        changes.add(0, "class renamed from " + recordClass);
      }
      if (changes.isEmpty()) {
        return verdict;
      }
      String reason = kind(nowPojo) + " " + recordClass + ": " + String.join(", ", changes);
      return SchemaCompatibility.compatibleAfterMigration(
          verdict.isCompatibleAsIs() ? reason : reason + "; " + verdict.reason());
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
      if (!(newSerializer instanceof RecordSerializer<?> now) || !now.isOrWas(recordClass)) {
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
          boolean present = !c.nullable || SnapshotCodec.presence(in, "'" + c.name + "'");
          int i = target[j];
          if (i < 0) {
            if (present) {
              SnapshotCodec.skip(c.serializer, in);
            }
          } else if (present) {
            args[i] = readers[j].deserialize(in);
          } else {
            args[i] = record.serializers[i] instanceof OptionalSerializer<?> ? Optional.empty() : null; // a stored null
          }
        }
        return (R) record.construct(args);
      }, toString());
    }

    @Override
    public String toString() {
      return (pojo ? "pojo(" : "record(") + recordClass
          + components.stream().map(c -> c.name + ": " + c.serializer).toList() + ")";
    }
  }
}
