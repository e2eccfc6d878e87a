package dev.cairn.state;

import dev.cairn.state.serde.TypeSerializer;

/**
 * An immutable description of a state: its name, kind and serializers. Made by the factories of
 * {@link StateDescriptors}; may be reused for any number of registrations and backends.
 *
 * @param <S> the state type the descriptor yields
 */
public sealed interface StateDescriptor<S extends State>
    permits ValueStateDescriptor,
        ListStateDescriptor,
        MapStateDescriptor,
        ReducingStateDescriptor,
        AggregatingStateDescriptor {

  /** Returns the state's name, unique within a backend. */
  String name();

  /** Returns the kind of state this descriptor yields. */
  StateKind kind();

  /**
   * Returns the serializer of what is stored per key: the value, the list element, the map value,
   * the reduced value, or the accumulator.
   */
  TypeSerializer<?> valueSerializer();
}
