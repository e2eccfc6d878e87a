package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * Java records, component by component in declaration order. A component of a reference type is
 * preceded by a presence byte (0 null, 1 present); a primitive component is written as is. Values
 * are read back through the canonical constructor, so its validation runs on restore too.
 * Components are read and the record built through method handles made once: the serializer is
 * stateless after construction and thread-safe.
 *
 * <p>The stable hash combines the components' stable hashes like {@link java.util.List#hashCode()}
 * (31 * h + component, starting at 1, 0 for null).
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
      }
      Constructor<R> canonical = type.getDeclaredConstructor(parameterTypes);
      canonical.setAccessible(true);
      this.constructor =
          lookup.unreflectConstructor(canonical).asSpreader(Object[].class, n).asType(CONSTRUCTOR_TYPE);
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (e instanceof NullPointerException npe) {
        throw npe;
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
      if (!(newSerializer instanceof RecordSerializer<?> now)) {
        return SnapshotCodec.otherFamily(this, newSerializer);
      }
      if (!recordClass.equals(now.type.getName())) {
        return SchemaCompatibility.incompatible(
            "record class changed from " + recordClass + " to " + now.type.getName());
      }
      List<String> stored = components.stream().map(Component::name).toList();
      List<String> current = List.of(now.names);
      if (!stored.equals(current)) {
        return SchemaCompatibility.incompatible(
            "record " + recordClass + ": " + firstDifference(stored, current) + " (components were " + stored
                + ", are " + current + ")");
      }
      SchemaCompatibility verdict = SchemaCompatibility.compatibleAsIs();
      for (int i = 0; i < components.size(); i++) {
        Component c = components.get(i);
        String where = "record " + recordClass + " component '" + c.name + "'";
        if (c.nullable != now.nullable[i]) {
          return SchemaCompatibility.incompatible(where + " changed between a primitive and a reference type");
        }
        verdict = SnapshotCodec.worse(verdict, SnapshotCodec.nested(where, c.serializer, now.serializers[i]));
      }
      return verdict;
    }

    private static String firstDifference(List<String> stored, List<String> current) {
      for (int i = 0; i < Math.min(stored.size(), current.size()); i++) {
        if (!stored.get(i).equals(current.get(i))) {
          return "component '" + stored.get(i) + "' at position " + i + " is now '" + current.get(i) + "'";
        }
      }
      return stored.size() > current.size()
          ? "component '" + stored.get(current.size()) + "' was removed"
          : "component '" + current.get(stored.size()) + "' was added";
    }

    @Override
    public String toString() {
      return "record(" + recordClass + components.stream().map(c -> c.name + ": " + c.serializer).toList() + ")";
    }
  }
}
