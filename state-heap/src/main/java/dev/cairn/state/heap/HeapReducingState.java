package dev.cairn.state.heap;

import dev.cairn.state.ReduceFunction;
import dev.cairn.state.ReducingState;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.serde.TypeSerializer;

/**
 * A {@link ReducingState} on the heap: the table stores the reduced value, which the function only
 * ever sees as a copy. A function returning null is rejected and the state left unchanged.
 */
final class HeapReducingState<K, T> extends HeapState<K> implements ReducingState<T> {

  private final ReduceFunction<T> function;
  private final TypeSerializer<T> serializer;
  private final boolean mutable;

  HeapReducingState(HeapKeyedStateBackend<K> backend, StateTable<K> table, ReducingStateDescriptor<T> descriptor) {
    super(backend, table);
    this.function = descriptor.reduceFunction();
    this.serializer = descriptor.valueSerializer();
    this.mutable = !serializer.isImmutable();
  }

  @Override
  @SuppressWarnings("unchecked")
  public T get() {
    T stored = (T) table.get(groupIndex(), backend.currentKey);
    return stored == null ? null : copy(serializer, mutable, stored);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void add(T value) {
    int index = groupIndex();
    if (value == null) {
      throw nullArgument("the value added");
    }
    K key = backend.currentKey;
    T stored = (T) table.get(index, key);
    T input = copy(serializer, mutable, value);
    T result = stored == null ? input : function.reduce(copy(serializer, mutable, stored), input);
    if (result == null) {
      throw new NullPointerException("the reduce function of state '" + name + "' returned null");
    }
    table.put(index, key, result);
  }
}
