package dev.cairn.state.heap;

import dev.cairn.state.State;
import dev.cairn.state.serde.TypeSerializer;

/** The base of the heap state handles: the backend, the table, and the checks every access makes. */
abstract class HeapState<K> implements State {

  final HeapKeyedStateBackend<K> backend;
  final StateTable<K> table;
  final String name;

  HeapState(HeapKeyedStateBackend<K> backend, StateTable<K> table) {
    this.backend = backend;
    this.table = table;
    this.name = table.name;
  }

  /**
   * Returns the current key group's index in the table.
   *
   * @throws dev.cairn.state.WrongThreadException if another thread owns the backend
   * @throws dev.cairn.state.NoCurrentKeyException if no key is set
   * @throws dev.cairn.state.BackendClosedException if the backend was closed
   */
  final int groupIndex() {
    backend.ownerThread.checkKeyed();
    int index = backend.groupIndex;
    if (index < 0) {
      throw backend.accessFailure(name);
    }
    return index;
  }

  @Override
  public final void clear() {
    table.remove(groupIndex(), backend.currentKey);
  }

  /** Returns the exception for a null {@code what} passed to this state. */
  final NullPointerException nullArgument(String what) {
    return new NullPointerException(what + " of state '" + name + "' must not be null");
  }

  /** Returns {@code value}, or a copy of it when the serializer's type is mutable. */
  static <T> T copy(TypeSerializer<T> serializer, boolean mutable, T value) {
    return mutable ? serializer.copy(value) : value;
  }
}
