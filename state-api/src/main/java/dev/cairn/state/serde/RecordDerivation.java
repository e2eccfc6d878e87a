package dev.cairn.state.serde;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Derives the serializers of a record's components or a POJO's fields from their types: scalars
 * (primitive or boxed), {@code String}, {@code byte[]}, {@code long[]}, {@code int[]}, {@code
 * double[]}, enums, nested records, nested POJOs (classes outside {@code java.*} and {@code javax.*}
 * that {@link RecordSerializer#notAPojo} accepts), and {@code List<X>} / {@code Map<X, Y>} / {@code
 * Optional<X>} of those. Anything else (other collections and arrays, type variables, wildcards,
 * recursive types) is rejected with an {@link IllegalArgumentException} naming the class and the
 * component or field.
 */
final class RecordDerivation {

  private RecordDerivation() {}

  private static final String SUPPORTED = "primitives and their boxes, String, byte[], long[], int[], double[], "
      + "enums, records, POJOs, List<X>, Map<X, Y>, Optional<X>";

  /** Derives the serializer of a record class. */
  static <R extends Record> RecordSerializer<R> derive(Class<R> type) {
    return derive(type, RecordSerializer.recordParts(type), new ArrayDeque<>());
  }

  /** Derives the serializer of a POJO class ({@link RecordSerializer#pojoParts}). */
  static <T> RecordSerializer<T> derivePojo(Class<T> type) {
    return derive(type, RecordSerializer.pojoParts(type), new ArrayDeque<>());
  }

  /**
   * Returns the serializer Cairn derives for {@code type}: a built-in one for scalars, {@code
   * String} and the arrays, else an enum, record or POJO serializer.
   */
  @SuppressWarnings("unchecked")
  static <T> TypeSerializer<T> of(Class<T> type) {
    if (type == null) {
      throw new NullPointerException("class must not be null");
    }
    TypeSerializer<?> serializer = serializerOf(type, "class " + type.getName(), new ArrayDeque<>());
    if (serializer == null) {
      String why = type.isPrimitive() || type.isArray() || type.getName().startsWith("java.")
          || type.getName().startsWith("javax.") ? "it is not one of the supported types"
          : RecordSerializer.notAPojo(type);
      throw new IllegalArgumentException("class " + type.getName() + " has no automatic serializer (" + why
          + "; supported: " + SUPPORTED + "); use Serializers.kryo(Class, Class...) or write a TypeSerializer");
    }
    return (TypeSerializer<T>) serializer;
  }

  private static <T> RecordSerializer<T> derive(
      Class<T> type, List<RecordSerializer.Part> parts, Deque<Class<?>> enclosing) {
    enclosing.push(type);
    TypeSerializer<?>[] serializers = new TypeSerializer<?>[parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      RecordSerializer.Part c = parts.get(i);
      Type t = c.genericType();
      String where = c.describe(type);
      serializers[i] = serializerOf(t, where, enclosing);
      if (serializers[i] == null) {
        throw new IllegalArgumentException(
            where + " has type " + t.getTypeName() + ", which has no automatic serializer (supported: " + SUPPORTED
                + "); pass serializers with Serializers.record(Class, TypeSerializer...) or use "
                + "Serializers.kryo(Class, Class...)");
      }
    }
    enclosing.pop();
    return new RecordSerializer<>(type, parts, serializers);
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
    if (c.isRecord() || isPojo(c)) {
      if (enclosing.contains(c)) {
        throw new IllegalArgumentException(
            where + " refers back to " + c.getName() + ": recursive types have no automatic "
                + "serializer; pass serializers with Serializers.record(Class, TypeSerializer...) or use "
                + "Serializers.kryo(Class, Class...)");
      }
      return derive(c, c.isRecord() ? RecordSerializer.recordParts(c) : RecordSerializer.pojoParts(c), enclosing);
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

  /** Returns whether {@code c} is derived as a POJO: not a JDK class, and a POJO by its shape. */
  private static boolean isPojo(Class<?> c) {
    return !c.isPrimitive() && !c.isArray() && !c.getName().startsWith("java.") && !c.getName().startsWith("javax.")
        && RecordSerializer.notAPojo(c) == null;
  }
}
