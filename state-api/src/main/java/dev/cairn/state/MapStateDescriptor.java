package dev.cairn.state;

import dev.cairn.state.serde.TypeSerializer;

/**
 * Describes a {@link MapState}.
 *
 * @param name the state's name
 * @param userKeySerializer the serializer of the map's keys
 * @param valueSerializer the serializer of the map's values
 * @param ttl the state's time-to-live, or null for none (see {@link #withTtl})
 * @param <K> the user key type
 * @param <V> the user value type
 */
public record MapStateDescriptor<K, V>(
    String name, TypeSerializer<K> userKeySerializer, TypeSerializer<V> valueSerializer, TtlConfig ttl)
    implements StateDescriptor<MapState<K, V>> {

  public MapStateDescriptor {
    StateDescriptors.checkName(name);
    StateDescriptors.checkNotNull(userKeySerializer, "user key serializer", name);
    StateDescriptors.checkNotNull(valueSerializer, "value serializer", name);
  }

  @Override
  public MapStateDescriptor<K, V> withTtl(TtlConfig ttl) {
    return new MapStateDescriptor<>(name, userKeySerializer, valueSerializer, ttl);
  }

  @Override
  public StateKind kind() {
    return StateKind.MAP;
  }
}
