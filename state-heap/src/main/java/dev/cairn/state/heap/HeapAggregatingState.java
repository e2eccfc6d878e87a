package dev.cairn.state.heap;

import dev.cairn.state.AggregateFunction;
import dev.cairn.state.AggregatingState;
import dev.cairn.state.AggregatingStateDescriptor;
import dev.cairn.state.serde.TypeSerializer;
import java.util.function.BiFunction;

/**
 * An {@link AggregatingState} on the heap: the table stores the accumulator, which the function only
 * ever sees as a copy. A function returning a null accumulator is rejected and the state left
 * unchanged.
 */
final class HeapAggregatingState<K, IN, ACC, OUT> extends HeapState<K> implements AggregatingState<IN, OUT> {

  private final AggregateFunction<IN, ACC, OUT> function;
  private final TypeSerializer<ACC> serializer;
  private final boolean mutable;
  private final BiFunction<Object, Object, Object> adder = (key, stored) -> addToStored(stored);
  private IN pendingInput;

  HeapAggregatingState(
      HeapKeyedStateBackend<K> backend, StateTable<K> table, AggregatingStateDescriptor<IN, ACC, OUT> descriptor) {
    super(backend, table);
    this.function = descriptor.aggregateFunction();
    this.serializer = descriptor.valueSerializer();
    this.mutable = !serializer.isImmutable();
  }

  @Override
  @SuppressWarnings("unchecked")
  public OUT get() {
    ACC stored = (ACC) table.get(groupIndex(), backend.currentKey);
    return stored == null ? null : function.getResult(copy(serializer, mutable, stored));
  }

  @Override
  public void add(IN value) {
    int index = groupIndex();
    if (value == null) {
      throw nullArgument("the value added");
    }
    pendingInput = value;
    try {
      table.compute(index, backend.currentKey, adder); // one hash lookup for the read-modify-write
    } finally {
      pendingInput = null;
    }
  }

  @SuppressWarnings("unchecked")
  private Object addToStored(Object stored) {
    ACC accumulator = stored == null ? function.createAccumulator() : copy(serializer, mutable, (ACC) stored);
    accumulator = function.add(pendingInput, accumulator);
    if (accumulator == null) { // thrown inside compute: the stored accumulator stays as it was
      throw new NullPointerException("the aggregate function of state '" + name + "' returned a null accumulator");
    }
    return accumulator;
  }
}
