package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;
import java.util.function.Function;

/**
 * The snapshot of a serializer with no configuration: its identity is its id. Two serializers with
 * the same id are compatible as is. Between Cairn's scalar serializers an exact widening migrates:
 * {@code byte} to {@code short}, {@code int} or {@code long}; {@code short} to {@code int} or {@code
 * long}; {@code int} to {@code long} or {@code double}; {@code float} to {@code double}; {@code char}
 * to {@code int} or {@code long}.
 *
 * @param id the serializer family's identifier
 * @param <T> the serialized type
 */
public record SimpleSerializerSnapshot<T>(String id) implements TypeSerializerSnapshot<T> {

  /** Returns a reader for snapshots of {@code id} (version 1, empty payload). */
  public static SerializerSnapshots.Reader reader(String id) {
    SimpleSerializerSnapshot<?> instance = new SimpleSerializerSnapshot<>(id);
    return (version, in) -> {
      if (version != 1) {
        throw new SerializationException("unknown version " + version + " of serializer snapshot '" + id + "'");
      }
      return instance;
    };
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public void write(DataOutputBuffer out) {}

  @Override
  public SchemaCompatibility resolveCompatibility(TypeSerializer<T> newSerializer) {
    TypeSerializerSnapshot<T> now = newSerializer.snapshot();
    if (equals(now)) {
      return SchemaCompatibility.compatibleAsIs();
    }
    if (now instanceof SimpleSerializerSnapshot<T> simple && BuiltInSerializers.widening(id, simple.id) != null) {
      return SchemaCompatibility.compatibleAfterMigration("widened from " + id + " to " + simple.id);
    }
    return SchemaCompatibility.incompatible("stored " + this + ", new " + now);
  }

  @Override
  @SuppressWarnings("unchecked")
  public TypeSerializer<T> restoreSerializer(TypeSerializer<T> newSerializer) {
    Function<Object, Object> widening = BuiltInSerializers.widening(id, newSerializer.snapshot().id());
    if (widening == null) {
      return TypeSerializerSnapshot.super.restoreSerializer(newSerializer);
    }
    TypeSerializer<?> old = BuiltInSerializers.byId(id);
    return new RestoreSerializer<>(newSerializer, in -> (T) widening.apply(old.deserialize(in)), id);
  }

  /** Returns the id, as error messages show it. */
  @Override
  public String toString() {
    return id;
  }
}
