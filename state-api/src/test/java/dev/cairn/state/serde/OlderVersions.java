package dev.cairn.state.serde;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stands in for an earlier version of a class in tests: one JVM cannot hold two versions of a class,
 * so the test writes with a serializer of a look-alike class ({@code ProfileV1}) whose snapshot
 * names the current class ({@code Profile}), exactly what the earlier version would have stored.
 */
public final class OlderVersions {

  private OlderVersions() {}

  /**
   * Returns {@code written}, whose snapshot renames record and POJO classes by {@code renames} (old
   * look-alike name to current name), nested ones included.
   */
  @SuppressWarnings("unchecked")
  public static <T> TypeSerializer<T> asOlderVersion(TypeSerializer<T> written, Map<Class<?>, Class<?>> renames) {
    TypeSerializerSnapshot<T> snapshot = (TypeSerializerSnapshot<T>) rename(written.snapshot(), renames);
    return new TypeSerializer<>() {
      @Override
      public void serialize(T value, DataOutputBuffer out) {
        written.serialize(value, out);
      }

      @Override
      public T deserialize(DataInputBuffer in) {
        return written.deserialize(in);
      }

      @Override
      public boolean isImmutable() {
        return written.isImmutable();
      }

      @Override
      public T copy(T value) {
        return written.copy(value);
      }

      @Override
      public int stableHash(T value) {
        return written.stableHash(value);
      }

      @Override
      public TypeSerializerSnapshot<T> snapshot() {
        return snapshot;
      }

      @Override
      public String toString() {
        return "older(" + written + ")";
      }
    };
  }

  private static TypeSerializerSnapshot<?> rename(TypeSerializerSnapshot<?> s, Map<Class<?>, Class<?>> renames) {
    if (s instanceof RecordSerializer.Snapshot<?> record) {
      List<RecordSerializer.Snapshot.Component> components = new ArrayList<>();
      for (RecordSerializer.Snapshot.Component c : record.components()) {
        components.add(new RecordSerializer.Snapshot.Component(c.name(), c.nullable(), rename(c.serializer(), renames)));
      }
      String name = record.recordClass();
      for (Map.Entry<Class<?>, Class<?>> e : renames.entrySet()) {
        if (e.getKey().getName().equals(name)) {
          name = e.getValue().getName();
        }
      }
      return new RecordSerializer.Snapshot<>(name, components, record.pojo());
    }
    if (s instanceof OptionalSerializer.Snapshot<?> optional) {
      return new OptionalSerializer.Snapshot<>(rename(optional.value(), renames));
    }
    if (s instanceof ListSerializer.Snapshot<?> list) {
      return new ListSerializer.Snapshot<>(rename(list.element(), renames));
    }
    return s;
  }
}
