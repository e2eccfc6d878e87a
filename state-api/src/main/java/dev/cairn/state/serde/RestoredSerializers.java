package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Serializers and readers rebuilt from stored serializer snapshots alone, without the application's
 * classes: what offline tools (the state processor, {@code cairn-tool}) use when the user passes no
 * serializer. Never loads a class named in a snapshot.
 *
 * <ul>
 *   <li>{@link #exact}: the very serializer a snapshot describes, when the snapshot alone defines it:
 *       Cairn's scalars and arrays, and lists, maps and optionals of those.
 *   <li>{@link #generic}: a reader of the bytes into generic values: scalars and arrays as such,
 *       {@code List}, {@code Map} (insertion-ordered), {@code Optional}, a record as a {@code
 *       Map<String, Object>} of its components in declaration order, an enum constant as its name.
 *       Kryo data and serializers unknown here have no generic reader (their format needs the
 *       classes): pass their serializer instead.
 * </ul>
 */
public final class RestoredSerializers {

  /** Reads one value in the format a snapshot describes, into generic values. */
  @FunctionalInterface
  public interface GenericReader {
    /**
     * Reads one value, consuming exactly its bytes.
     *
     * @throws SerializationException if the bytes are truncated or corrupt
     */
    Object read(DataInputBuffer in);
  }

  private RestoredSerializers() {}

  /**
   * Returns the serializer {@code snapshot} describes if the snapshot alone defines it (scalars,
   * arrays, and lists, maps and optionals of those), or empty.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Optional<TypeSerializer<?>> exact(TypeSerializerSnapshot<?> snapshot) {
    if (snapshot instanceof SimpleSerializerSnapshot<?> simple) {
      return Optional.ofNullable(BuiltInSerializers.byId(simple.id()));
    }
    if (snapshot instanceof ListSerializer.Snapshot<?> list) {
      return exact(list.element()).map(e -> Serializers.listOf((TypeSerializer) e));
    }
    if (snapshot instanceof OptionalSerializer.Snapshot<?> optional) {
      return exact(optional.value()).map(v -> Serializers.optionalOf((TypeSerializer) v));
    }
    if (snapshot instanceof MapSerializer.Snapshot<?, ?> map) {
      Optional<TypeSerializer<?>> key = exact(map.key());
      Optional<TypeSerializer<?>> value = exact(map.value());
      if (key.isPresent() && value.isPresent()) {
        return Optional.of(Serializers.mapOf((TypeSerializer) key.get(), (TypeSerializer) value.get()));
      }
    }
    return Optional.empty();
  }

  /**
   * Returns a reader of the data {@code snapshot} describes into generic values (see the class
   * comment), or empty when the format cannot be read without the application's classes (Kryo, or a
   * serializer family this build does not know).
   */
  public static Optional<GenericReader> generic(TypeSerializerSnapshot<?> snapshot) {
    if (snapshot instanceof SimpleSerializerSnapshot<?> simple) {
      TypeSerializer<?> serializer = BuiltInSerializers.byId(simple.id());
      return serializer == null ? Optional.empty() : Optional.of(serializer::deserialize);
    }
    if (snapshot instanceof ListSerializer.Snapshot<?> list) {
      return generic(list.element()).map(element -> in -> {
        int n = in.readLength(1);
        List<Object> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          values.add(element.read(in));
        }
        return Collections.unmodifiableList(values);
      });
    }
    if (snapshot instanceof OptionalSerializer.Snapshot<?> optional) {
      return generic(optional.value()).map(value -> in -> present(in, "optional") ? Optional.of(value.read(in)) : Optional.empty());
    }
    if (snapshot instanceof MapSerializer.Snapshot<?, ?> map) {
      Optional<GenericReader> key = generic(map.key());
      Optional<GenericReader> value = generic(map.value());
      if (key.isEmpty() || value.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(in -> {
        int n = in.readLength(1);
        Map<Object, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          Object k = key.get().read(in);
          values.put(k, present(in, "map value") ? value.get().read(in) : null);
        }
        return Collections.unmodifiableMap(values);
      });
    }
    if (snapshot instanceof EnumSerializer.Snapshot<?> enumSnapshot) {
      List<String> constants = enumSnapshot.constants();
      return Optional.of(in -> {
        int position = in.readVarInt();
        if (position >= constants.size()) {
          throw new SerializationException("corrupt data: constant " + position + " of enum " + enumSnapshot.enumClass()
              + ", which has " + constants.size());
        }
        return constants.get(position);
      });
    }
    if (snapshot instanceof RecordSerializer.Snapshot<?> record) {
      List<RecordSerializer.Snapshot.Component> components = record.components();
      List<GenericReader> readers = new ArrayList<>(components.size());
      for (RecordSerializer.Snapshot.Component c : components) {
        Optional<GenericReader> reader = generic(c.serializer());
        if (reader.isEmpty()) {
          return Optional.empty();
        }
        readers.add(reader.get());
      }
      return Optional.of(in -> {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < components.size(); i++) {
          RecordSerializer.Snapshot.Component c = components.get(i);
          values.put(c.name(), !c.nullable() || present(in, "component '" + c.name() + "'") ? readers.get(i).read(in) : null);
        }
        return Collections.unmodifiableMap(values);
      });
    }
    return Optional.empty();
  }

  private static boolean present(DataInputBuffer in, String what) {
    int present = in.readUnsignedByte();
    if (present > 1) {
      throw new SerializationException("corrupt data: presence byte " + present + " of " + what);
    }
    return present == 1;
  }
}
