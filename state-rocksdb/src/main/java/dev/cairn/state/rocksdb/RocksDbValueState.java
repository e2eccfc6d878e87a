package dev.cairn.state.rocksdb;

import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;

/** {@link ValueState} on RocksDB: key {@code [key group][key]}, value the serialized value. */
final class RocksDbValueState<T> extends RocksDbState<T> implements ValueState<T> {

  private final T defaultValue;

  RocksDbValueState(RocksDbKeyedBackend<?> backend, RocksDbColumn column, ValueStateDescriptor<T> descriptor) {
    super(backend, column, descriptor.valueSerializer());
    this.defaultValue = descriptor.defaultValue();
  }

  @Override
  public T value() {
    T value = readValue();
    if (value != null || defaultValue == null) {
      return value;
    }
    return serializer.copy(defaultValue);
  }

  @Override
  public void update(T value) {
    if (value == null) {
      clear();
      return;
    }
    backend.checkAccess(column);
    writeValue(value);
  }
}
