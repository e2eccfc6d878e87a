package dev.cairn.state.heap;

import dev.cairn.state.ReduceFunction;
import dev.cairn.state.ReducingState;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.serde.TypeSerializer;
import java.util.function.BiFunction;

/**
 * A {@link ReducingState} on the heap: the table stores the reduced value, which the function only
 * ever sees as a copy. A function returning null is rejected and the state left unchanged.
 */
final class HeapReducingState<K, T> extends HeapState<K> implements ReducingState<T> {

  private final ReduceFunction<T> function;
  private final TypeSerializer<T> serializer;
  private final boolean mutable;
  private final BiFunction<Object, Object, Object> reducer = this::reduceStored;

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
  public void add(T value) {
    int index = groupIndex();
    if (value == null) {
      throw nullArgument("the value added");
    }
    // stores the first value as is; otherwise reduces a copy of the stored one (one hash lookup)
    table.merge(index, backend.currentKey, copy(serializer, mutable, value), reducer);
  }

  @SuppressWarnings("unchecked")
  private Object reduceStored(Object stored, Object input) {
    T result = function.reduce(copy(serializer, mutable, (T) stored), (T) input);
    if (result == null) { // thrown inside merge: the stored value stays as it was
      throw new NullPointerException("the reduce function of state '" + name + "' returned null");
    }
    return result;
  }
}
