package dev.cairn.state;

import dev.cairn.state.serde.TypeSerializer;

/**
 * Describes an {@link AggregatingState}. What is stored is the accumulator.
 *
 * @param name the state's name
 * @param aggregateFunction adds inputs to the accumulator and computes results
 * @param valueSerializer the accumulator serializer
 * @param ttl the state's time-to-live, or null for none (see {@link #withTtl})
 * @param <IN> the input type
 * @param <ACC> the accumulator type
 * @param <OUT> the result type
 */
public record AggregatingStateDescriptor<IN, ACC, OUT>(
    String name,
    AggregateFunction<IN, ACC, OUT> aggregateFunction,
    TypeSerializer<ACC> valueSerializer,
    TtlConfig ttl)
    implements StateDescriptor<AggregatingState<IN, OUT>> {

  public AggregatingStateDescriptor {
    StateDescriptors.checkName(name);
    StateDescriptors.checkNotNull(aggregateFunction, "aggregate function", name);
    StateDescriptors.checkNotNull(valueSerializer, "accumulator serializer", name);
  }

  @Override
  public AggregatingStateDescriptor<IN, ACC, OUT> withTtl(TtlConfig ttl) {
    return new AggregatingStateDescriptor<>(name, aggregateFunction, valueSerializer, ttl);
  }

  @Override
  public StateKind kind() {
    return StateKind.AGGREGATING;
  }
}
