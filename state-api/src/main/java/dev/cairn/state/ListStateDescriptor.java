package dev.cairn.state;

import dev.cairn.state.serde.TypeSerializer;

/**
 * Describes a {@link ListState}.
 *
 * @param name the state's name
 * @param valueSerializer the element serializer
 * @param ttl the state's time-to-live, or null for none (see {@link #withTtl})
 * @param <T> the element type
 */
public record ListStateDescriptor<T>(String name, TypeSerializer<T> valueSerializer, TtlConfig ttl)
    implements StateDescriptor<ListState<T>> {

  public ListStateDescriptor {
    StateDescriptors.checkName(name);
    StateDescriptors.checkNotNull(valueSerializer, "element serializer", name);
  }

  @Override
  public ListStateDescriptor<T> withTtl(TtlConfig ttl) {
    return new ListStateDescriptor<>(name, valueSerializer, ttl);
  }

  @Override
  public StateKind kind() {
    return StateKind.LIST;
  }
}
