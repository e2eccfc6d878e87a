package dev.cairn.state;

import dev.cairn.state.serde.TypeSerializer;

/**
 * Describes a {@link ReducingState}.
 *
 * @param name the state's name
 * @param reduceFunction folds a new value into the stored one
 * @param valueSerializer the value serializer
 * @param ttl the state's time-to-live, or null for none (see {@link #withTtl})
 * @param <T> the value type
 */
public record ReducingStateDescriptor<T>(
    String name, ReduceFunction<T> reduceFunction, TypeSerializer<T> valueSerializer, TtlConfig ttl)
    implements StateDescriptor<ReducingState<T>> {

  public ReducingStateDescriptor {
    StateDescriptors.checkName(name);
    StateDescriptors.checkNotNull(reduceFunction, "reduce function", name);
    StateDescriptors.checkNotNull(valueSerializer, "value serializer", name);
  }

  @Override
  public ReducingStateDescriptor<T> withTtl(TtlConfig ttl) {
    return new ReducingStateDescriptor<>(name, reduceFunction, valueSerializer, ttl);
  }

  @Override
  public StateKind kind() {
    return StateKind.REDUCING;
  }
}
