package dev.cairn.state;

import dev.cairn.state.serde.TypeSerializer;

/**
 * Factories for state descriptors.
 *
 * <pre>{@code
 * ValueStateDescriptor<Long> count = StateDescriptors.value("count", Serializers.LONG);
 * MapStateDescriptor<String, Long> perAction =
 *     StateDescriptors.map("per-action", Serializers.STRING, Serializers.LONG);
 * ValueStateDescriptor<Long> lastSeen = StateDescriptors.value("last-seen", Serializers.LONG)
 *     .withTtl(TtlConfig.builder(Duration.ofMinutes(30)).build());   // needs the TTL decorator
 * }</pre>
 *
 * <p>A state name is 1 to {@value #MAX_NAME_LENGTH} characters of any kind except control
 * characters; names are never used as file names.
 */
public final class StateDescriptors {

  /** The longest allowed state name, in characters. */
  public static final int MAX_NAME_LENGTH = 256;

  private StateDescriptors() {}

  /** Describes a value state whose unset value reads as null. */
  public static <T> ValueStateDescriptor<T> value(String name, TypeSerializer<T> serializer) {
    return new ValueStateDescriptor<>(name, serializer, null, null);
  }

  /** Describes a value state whose unset value reads as {@code defaultValue}. */
  public static <T> ValueStateDescriptor<T> value(
      String name, TypeSerializer<T> serializer, T defaultValue) {
    return new ValueStateDescriptor<>(name, serializer, defaultValue, null);
  }

  /** Describes a list state. */
  public static <T> ListStateDescriptor<T> list(String name, TypeSerializer<T> elementSerializer) {
    return new ListStateDescriptor<>(name, elementSerializer, null);
  }

  /** Describes a map state. */
  public static <K, V> MapStateDescriptor<K, V> map(
      String name, TypeSerializer<K> userKeySerializer, TypeSerializer<V> valueSerializer) {
    return new MapStateDescriptor<>(name, userKeySerializer, valueSerializer, null);
  }

  /** Describes a reducing state. */
  public static <T> ReducingStateDescriptor<T> reducing(
      String name, ReduceFunction<T> function, TypeSerializer<T> serializer) {
    return new ReducingStateDescriptor<>(name, function, serializer, null);
  }

  /** Describes an aggregating state; {@code accumulatorSerializer} stores the accumulator. */
  public static <IN, ACC, OUT> AggregatingStateDescriptor<IN, ACC, OUT> aggregating(
      String name,
      AggregateFunction<IN, ACC, OUT> function,
      TypeSerializer<ACC> accumulatorSerializer) {
    return new AggregatingStateDescriptor<>(name, function, accumulatorSerializer, null);
  }

  static void checkName(String name) {
    if (name == null) {
      throw new IllegalArgumentException("state name must not be null");
    }
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "state name must have 1 to " + MAX_NAME_LENGTH + " characters, got " + name.length());
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new IllegalArgumentException(
            "state name must not contain control characters: " + name.replaceAll("\\p{Cntrl}", "?"));
      }
    }
  }

  static void checkNotNull(Object value, String what, String stateName) {
    if (value == null) {
      throw new IllegalArgumentException(what + " of state '" + stateName + "' must not be null");
    }
  }
}
