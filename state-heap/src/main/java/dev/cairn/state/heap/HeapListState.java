package dev.cairn.state.heap;

import dev.cairn.state.ListState;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.serde.TypeSerializer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A {@link ListState} on the heap: the table stores an owned {@link VersionedList} per key, changed
 * in place unless an open snapshot shares it. An emptied list is removed.
 */
final class HeapListState<K, T> extends HeapState<K> implements ListState<T> {

  private final TypeSerializer<T> serializer;
  private final boolean mutable;

  HeapListState(HeapKeyedStateBackend<K> backend, StateTable<K> table, ListStateDescriptor<T> descriptor) {
    super(backend, table);
    this.serializer = descriptor.valueSerializer();
    this.mutable = !serializer.isImmutable();
  }

  @Override
  public Iterable<T> get() {
    VersionedList<T> stored = stored(groupIndex());
    if (stored == null) {
      return Collections.emptyList();
    }
    if (mutable) {
      return Collections.unmodifiableList(copyElements(stored));
    }
    stored.exposed = true; // copy-on-write instead of copy-on-read: the next change copies the list
    return stored; // read-only: see VersionedList
  }

  @Override
  public void add(T value) {
    int index = groupIndex();
    if (value == null) {
      throw nullArgument("an element added");
    }
    T element = copy(serializer, mutable, value);
    writable(index, 1).append(element);
  }

  @Override
  public void addAll(List<T> values) {
    int index = groupIndex();
    List<T> elements = validatedCopy(values);
    if (!elements.isEmpty()) {
      writable(index, elements.size()).appendAll(elements);
    }
  }

  @Override
  public void update(List<T> values) {
    int index = groupIndex();
    List<T> elements = validatedCopy(values);
    if (elements.isEmpty()) {
      table.remove(index, backend.currentKey);
    } else {
      VersionedList<T> list = VersionedList.of(serializer, elements, table.version());
      table.put(index, backend.currentKey, list);
    }
  }

  @SuppressWarnings("unchecked")
  private VersionedList<T> stored(int index) {
    return (VersionedList<T>) table.get(index, backend.currentKey);
  }

  /** Returns the current key's list for appending {@code extra} elements: created, copied or as is. */
  private VersionedList<T> writable(int index, int extra) {
    VersionedList<T> list = stored(index);
    if (list == null) {
      list = VersionedList.create(serializer, table.version(), Math.max(extra, 4));
      table.put(index, backend.currentKey, list);
    } else if (list.exposed || table.isFrozen(list.version)) {
      list = list.copy(extra, table.version());
      table.put(index, backend.currentKey, list);
    } else {
      table.changed(index, backend.currentKey);
    }
    return list;
  }

  /**
   * Checks for null elements before anything changes; returns copies of mutable elements, or {@code
   * values} itself for immutable ones (callers copy it into the state before returning).
   */
  private List<T> validatedCopy(List<T> values) {
    if (values == null) {
      throw nullArgument("the list");
    }
    for (T value : values) {
      if (value == null) {
        throw nullArgument("an element");
      }
    }
    return mutable ? copyElements(values) : values;
  }

  private List<T> copyElements(List<T> source) {
    List<T> copy = new ArrayList<>(source.size());
    for (T element : source) {
      copy.add(serializer.copy(element));
    }
    return copy;
  }
}
