package dev.cairn.state.rocksdb;

import dev.cairn.state.AggregateFunction;
import dev.cairn.state.AggregatingState;
import dev.cairn.state.AggregatingStateDescriptor;

/** {@link AggregatingState} on RocksDB: key {@code [key group][key]}, value the accumulator. */
final class RocksDbAggregatingState<IN, ACC, OUT> extends RocksDbState<ACC> implements AggregatingState<IN, OUT> {

  private final AggregateFunction<IN, ACC, OUT> function;

  RocksDbAggregatingState(
      RocksDbKeyedBackend<?> backend, RocksDbColumn column, AggregatingStateDescriptor<IN, ACC, OUT> descriptor) {
    super(backend, column, descriptor.valueSerializer());
    this.function = descriptor.aggregateFunction();
  }

  @Override
  public OUT get() {
    ACC accumulator = readValue();
    return accumulator == null ? null : function.getResult(accumulator);
  }

  @Override
  public void add(IN value) {
    if (value == null) {
      throw nullArgument("a value added");
    }
    ACC accumulator = readValue();
    writeValue(function.add(value, accumulator == null ? function.createAccumulator() : accumulator));
  }
}
