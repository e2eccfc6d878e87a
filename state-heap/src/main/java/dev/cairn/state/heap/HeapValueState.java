package dev.cairn.state.heap;

import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.serde.TypeSerializer;

/** A {@link ValueState} on the heap: the table stores the value itself. */
final class HeapValueState<K, T> extends HeapState<K> implements ValueState<T> {

  private final TypeSerializer<T> serializer;
  private final boolean mutable;
  private final T defaultValue;

  HeapValueState(HeapKeyedStateBackend<K> backend, StateTable<K> table, ValueStateDescriptor<T> descriptor) {
    super(backend, table);
    this.serializer = descriptor.valueSerializer();
    this.mutable = !serializer.isImmutable();
    this.defaultValue = descriptor.defaultValue();
  }

  @Override
  @SuppressWarnings("unchecked")
  public T value() {
    T stored = (T) table.get(groupIndex(), backend.currentKey);
    if (stored == null) {
      return defaultValue == null ? null : copy(serializer, mutable, defaultValue);
    }
    return copy(serializer, mutable, stored);
  }

  @Override
  public void update(T value) {
    int index = groupIndex();
    if (value == null) {
      table.remove(index, backend.currentKey);
    } else {
      table.put(index, backend.currentKey, copy(serializer, mutable, value));
    }
  }
}
