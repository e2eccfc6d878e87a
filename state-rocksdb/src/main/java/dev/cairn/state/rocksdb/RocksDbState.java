package dev.cairn.state.rocksdb;

import dev.cairn.state.State;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.TypeSerializer;

/**
 * The base of the states whose whole value per key is one RocksDB entry under the current key's
 * prefix (value, list, reducing, aggregating). Not thread-safe, like the backend.
 *
 * @param <V> the stored type (value, element, reduced value or accumulator)
 */
abstract class RocksDbState<V> implements State {

  final RocksDbKeyedBackend<?> backend;
  final RocksDbColumn column;
  final TypeSerializer<V> serializer;

  RocksDbState(RocksDbKeyedBackend<?> backend, RocksDbColumn column, TypeSerializer<V> serializer) {
    this.backend = backend;
    this.column = column;
    this.serializer = serializer;
  }

  @Override
  public void clear() {
    backend.checkAccess(column);
    backend.delete(column, backend.prefixLength());
  }

  /** Returns the current key's stored value, deserialized (a fresh copy), or null. */
  V readValue() {
    backend.checkAccess(column);
    int length = backend.read(column, backend.prefixLength());
    return length == RocksDbKeyedBackend.NOT_FOUND ? null : serializer.deserialize(backend.readInput(0, length));
  }

  /** Stores {@code value} (not null) for the current key. */
  void writeValue(V value) {
    DataOutputBuffer out = backend.valueBuffer;
    out.reset();
    serializer.serialize(value, out);
    backend.write(column, backend.prefixLength());
  }

  /** Returns the NullPointerException for a null argument, naming the state. */
  NullPointerException nullArgument(String what) {
    return new NullPointerException(what + " of state '" + column.name + "' must not be null");
  }

}
