package dev.cairn.state.serde;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Derives a record's component serializers from the component types: scalars (primitive or boxed),
 * {@code String}, {@code byte[]}, {@code long[]}, {@code int[]}, {@code double[]}, enums, nested
 * records, and {@code List<X>} / {@code Map<X, Y>} / {@code Optional<X>} of those. Anything else (other collections and
 * arrays, type variables, wildcards, recursive records) is rejected with an {@link
 * IllegalArgumentException} naming the record and the component.
 */
final class RecordDerivation {

  private RecordDerivation() {}

  static <R extends Record> RecordSerializer<R> derive(Class<R> type) {
    return derive(type, new ArrayDeque<>());
  }

  private static <R extends Record> RecordSerializer<R> derive(Class<R> type, Deque<Class<?>> enclosing) {
    RecordComponent[] components = RecordSerializer.components(type);
    enclosing.push(type);
    TypeSerializer<?>[] serializers = new TypeSerializer<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      Type t = c.getGenericType();
      String where = "component '" + c.getName() + "' of record " + type.getName();
      serializers[i] = serializerOf(t, where, enclosing);
      if (serializers[i] == null) {
        throw new IllegalArgumentException(
            where + " has type " + t.getTypeName()
                + ", which has no automatic serializer (supported: primitives and their boxes, String, "
                + "byte[], long[], int[], double[], enums, records, List<X>, Map<X, Y>, Optional<X>); pass serializers with "
                + "Serializers.record(Class, TypeSerializer...) or use Serializers.kryo(Class, Class...)");
      }
    }
    enclosing.pop();
    return new RecordSerializer<>(type, serializers);
  }

  /** Returns the serializer of {@code t}, or null if there is no automatic one. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static TypeSerializer<?> serializerOf(Type t, String where, Deque<Class<?>> enclosing) {
    if (t instanceof ParameterizedType p) {
      Type[] args = p.getActualTypeArguments();
      if (p.getRawType() == List.class) {
        TypeSerializer<?> element = serializerOf(args[0], where, enclosing);
        return element == null ? null : new ListSerializer<>(element);
      }
      if (p.getRawType() == Optional.class) {
        TypeSerializer<?> value = serializerOf(args[0], where, enclosing);
        return value == null ? null : new OptionalSerializer<>(value);
      }
      if (p.getRawType() == Map.class) {
        TypeSerializer<?> key = serializerOf(args[0], where, enclosing);
        TypeSerializer<?> value = serializerOf(args[1], where, enclosing);
        return key == null || value == null ? null : new MapSerializer<>(key, value);
      }
      return null;
    }
    if (!(t instanceof Class<?> c)) {
      return null; // type variable, wildcard, generic array
    }
    if (c.isRecord()) {
      if (enclosing.contains(c)) {
        throw new IllegalArgumentException(
            where + " refers back to record " + c.getName() + ": recursive records have no automatic "
                + "serializer; pass serializers with Serializers.record(Class, TypeSerializer...) or use "
                + "Serializers.kryo(Class, Class...)");
      }
      return derive((Class) c, enclosing);
    }
    if (c.isEnum()) {
      return new EnumSerializer(c);
    }
    if (c == byte[].class) {
      return Serializers.BYTES;
    }
    if (c == long[].class) {
      return Serializers.LONG_ARRAY;
    }
    if (c == int[].class) {
      return Serializers.INT_ARRAY;
    }
    if (c == double[].class) {
      return Serializers.DOUBLE_ARRAY;
    }
    if (c == String.class) {
      return Serializers.STRING;
    }
    if (c == long.class || c == Long.class) {
      return Serializers.LONG;
    }
    if (c == int.class || c == Integer.class) {
      return Serializers.INT;
    }
    if (c == short.class || c == Short.class) {
      return Serializers.SHORT;
    }
    if (c == byte.class || c == Byte.class) {
      return Serializers.BYTE;
    }
    if (c == boolean.class || c == Boolean.class) {
      return Serializers.BOOLEAN;
    }
    if (c == double.class || c == Double.class) {
      return Serializers.DOUBLE;
    }
    if (c == float.class || c == Float.class) {
      return Serializers.FLOAT;
    }
    if (c == char.class || c == Character.class) {
      return Serializers.CHAR;
    }
    return null;
  }
}
