package dev.cairn.state.rocksdb;

import dev.cairn.state.ReduceFunction;
import dev.cairn.state.ReducingState;
import dev.cairn.state.ReducingStateDescriptor;

/** {@link ReducingState} on RocksDB: key {@code [key group][key]}, value the reduced value. */
final class RocksDbReducingState<T> extends RocksDbState<T> implements ReducingState<T> {

  private final ReduceFunction<T> function;

  RocksDbReducingState(RocksDbKeyedBackend<?> backend, RocksDbColumn column, ReducingStateDescriptor<T> descriptor) {
    super(backend, column, descriptor.valueSerializer());
    this.function = descriptor.reduceFunction();
  }

  @Override
  public T get() {
    return readValue();
  }

  @Override
  public void add(T value) {
    if (value == null) {
      throw nullArgument("a value added");
    }
    T stored = readValue();
    writeValue(stored == null ? value : function.reduce(stored, value));
  }
}
