package dev.cairn.state;

import dev.cairn.state.serde.TypeSerializer;

/**
 * Describes a {@link ValueState}.
 *
 * @param name the state's name
 * @param valueSerializer the value serializer
 * @param defaultValue returned by {@link ValueState#value()} when unset; may be null
 * @param ttl the state's time-to-live, or null for none (see {@link #withTtl})
 * @param <T> the value type
 */
public record ValueStateDescriptor<T>(
    String name, TypeSerializer<T> valueSerializer, T defaultValue, TtlConfig ttl)
    implements StateDescriptor<ValueState<T>> {

  public ValueStateDescriptor {
    StateDescriptors.checkName(name);
    StateDescriptors.checkNotNull(valueSerializer, "value serializer", name);
  }

  @Override
  public ValueStateDescriptor<T> withTtl(TtlConfig ttl) {
    return new ValueStateDescriptor<>(name, valueSerializer, defaultValue, ttl);
  }

  @Override
  public StateKind kind() {
    return StateKind.VALUE;
  }
}
