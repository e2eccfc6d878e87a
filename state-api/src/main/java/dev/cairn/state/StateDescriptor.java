package dev.cairn.state;

import dev.cairn.state.serde.TypeSerializer;

/**
 * An immutable description of a state: its name, kind, serializers and time-to-live. Made by the factories of
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

  /** Returns the state's time-to-live, or null when its entries never expire. */
  TtlConfig ttl();

  /**
   * Returns this descriptor with the given time-to-live: each value, list element or map entry of the
   * state expires {@code ttl.ttl()} after its last access. Only a backend wrapped by the TTL
   * decorator ({@code TtlStateBackend}, module {@code cairn-ttl}) accepts such a descriptor; others
   * refuse it at registration.
   *
   * @param ttl the time-to-live, or null for none
   */
  StateDescriptor<S> withTtl(TtlConfig ttl);
}
