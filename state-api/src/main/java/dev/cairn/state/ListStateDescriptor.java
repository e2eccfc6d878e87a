package dev.cairn.state;

import dev.cairn.state.serde.TypeSerializer;

/**
 * Describes a {@link ListState}.
 *
 * @param name the state's name
 * @param valueSerializer the element serializer
 * @param <T> the element type
 */
public record ListStateDescriptor<T>(String name, TypeSerializer<T> valueSerializer)
    implements StateDescriptor<ListState<T>> {

  public ListStateDescriptor {
    StateDescriptors.checkName(name);
    StateDescriptors.checkNotNull(valueSerializer, "element serializer", name);
  }

  @Override
  public StateKind kind() {
    return StateKind.LIST;
  }
}
