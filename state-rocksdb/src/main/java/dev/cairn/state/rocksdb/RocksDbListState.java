package dev.cairn.state.rocksdb;

import dev.cairn.state.ListState;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.TypeSerializer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@link ListState} on RocksDB: key {@code [key group][key]}, value the elements, each as a var-int
 * length and the element's bytes (exactly the canonical snapshot format's element list). {@link
 * #add} and {@link #addAll} append with RocksDB's {@code stringappend} merge operator and an empty
 * delimiter, so appending never reads the list (see the module README for the measurement).
 */
final class RocksDbListState<T> extends RocksDbState<T> implements ListState<T> {

  private final DataInputBuffer elementInput = new DataInputBuffer();

  RocksDbListState(RocksDbKeyedBackend<?> backend, RocksDbColumn column, TypeSerializer<T> elementSerializer) {
    super(backend, column, elementSerializer);
  }

  @Override
  public Iterable<T> get() {
    backend.checkAccess(column);
    int length = backend.read(column, backend.prefixLength());
    if (length == RocksDbKeyedBackend.NOT_FOUND) {
      return Collections.emptyList();
    }
    List<T> elements = new ArrayList<>();
    DataInputBuffer input = backend.readInput(0, length);
    while (input.remaining() > 0) {
      int elementLength = input.readLength(1);
      elements.add(serializer.deserialize(elementInput.wrap(input.array(), input.position(), elementLength)));
      input.skip(elementLength);
    }
    return Collections.unmodifiableList(elements); // read-only on every backend
  }

  @Override
  public void add(T value) {
    if (value == null) {
      throw nullArgument("an element added");
    }
    backend.checkAccess(column);
    backend.valueBuffer.reset();
    appendElement(value);
    backend.merge(column, backend.prefixLength());
  }

  @Override
  public void addAll(List<T> values) {
    checkElements(values);
    backend.checkAccess(column);
    if (values.isEmpty()) {
      return;
    }
    encode(values);
    backend.merge(column, backend.prefixLength());
  }

  @Override
  public void update(List<T> values) {
    checkElements(values);
    backend.checkAccess(column);
    if (values.isEmpty()) {
      backend.delete(column, backend.prefixLength());
      return;
    }
    encode(values);
    backend.write(column, backend.prefixLength());
  }

  private void checkElements(List<T> values) {
    if (values == null) {
      throw nullArgument("the list of elements");
    }
    for (T value : values) {
      if (value == null) {
        throw nullArgument("an element");
      }
    }
  }

  private void encode(List<T> values) {
    backend.valueBuffer.reset();
    for (T value : values) {
      appendElement(value);
    }
  }

  private void appendElement(T value) {
    DataOutputBuffer element = backend.elementBuffer;
    element.reset();
    serializer.serialize(value, element);
    backend.valueBuffer.writeLengthPrefixed(element.array(), 0, element.length());
  }

  /** Splits a stored list value into its elements' bytes. */
  static List<byte[]> splitElements(DataInputBuffer input) {
    List<byte[]> elements = new ArrayList<>();
    while (input.remaining() > 0) {
      elements.add(input.readLengthPrefixed());
    }
    return elements;
  }
}
