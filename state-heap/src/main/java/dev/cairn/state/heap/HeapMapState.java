package dev.cairn.state.heap;

import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.serde.TypeSerializer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;

/**
 * A {@link MapState} on the heap: the table stores an owned {@link SlotMap} per key, changed in place
 * unless an open snapshot shares it. An emptied map is removed. Iterators run over the map they
 * started on, which never changes under them: their first {@code remove()} on a map that is still
 * the current one of their key replaces it by a copy, and removes go to the current map.
 */
final class HeapMapState<K, UK, UV> extends HeapState<K> implements MapState<UK, UV> {

  private final TypeSerializer<UK> keySerializer;
  private final TypeSerializer<UV> valueSerializer;
  private final boolean mutableKeys;
  private final boolean mutableValues;

  HeapMapState(HeapKeyedStateBackend<K> backend, StateTable<K> table, MapStateDescriptor<UK, UV> descriptor) {
    super(backend, table);
    this.keySerializer = descriptor.userKeySerializer();
    this.valueSerializer = descriptor.valueSerializer();
    this.mutableKeys = !keySerializer.isImmutable();
    this.mutableValues = !valueSerializer.isImmutable();
  }

  @Override
  public UV get(UK key) {
    SlotMap<UK, UV> map = stored(groupIndex(), backend.currentKey);
    if (key == null) {
      throw nullArgument("the user key");
    }
    return map == null ? null : copyValue(map.get(key));
  }

  @Override
  public void put(UK key, UV value) {
    int index = groupIndex();
    if (key == null) {
      throw nullArgument("the user key");
    }
    UK ownKey = copy(keySerializer, mutableKeys, key);
    UV ownValue = copyValue(value);
    writable(index, backend.currentKey).put(ownKey, ownValue);
  }

  @Override
  public void putAll(Map<UK, UV> map) {
    int index = groupIndex();
    if (map == null) {
      throw nullArgument("the map");
    }
    if (map.isEmpty()) {
      return;
    }
    List<Map.Entry<UK, UV>> own = new ArrayList<>(map.size());
    for (Map.Entry<UK, UV> entry : map.entrySet()) {
      if (entry.getKey() == null) {
        throw nullArgument("a user key");
      }
      own.add(new AbstractMap.SimpleEntry<>(copy(keySerializer, mutableKeys, entry.getKey()), copyValue(entry.getValue())));
    }
    SlotMap<UK, UV> target = writable(index, backend.currentKey);
    for (Map.Entry<UK, UV> entry : own) {
      target.put(entry.getKey(), entry.getValue());
    }
  }

  @Override
  public void remove(UK key) {
    int index = groupIndex();
    if (key == null) {
      throw nullArgument("the user key");
    }
    remove(index, backend.currentKey, key);
  }

  @Override
  public boolean contains(UK key) {
    SlotMap<UK, UV> map = stored(groupIndex(), backend.currentKey);
    if (key == null) {
      throw nullArgument("the user key");
    }
    return map != null && map.containsKey(key);
  }

  @Override
  public Iterable<Map.Entry<UK, UV>> entries() {
    return iterable((key, value) -> new AbstractMap.SimpleImmutableEntry<>(copyKey(key), copyValue(value)));
  }

  @Override
  public Iterable<UK> keys() {
    return iterable((key, value) -> copyKey(key));
  }

  @Override
  public Iterable<UV> values() {
    return iterable((key, value) -> copyValue(value));
  }

  @Override
  public Iterator<Map.Entry<UK, UV>> iterator() {
    return entries().iterator();
  }

  @Override
  public boolean isEmpty() {
    return stored(groupIndex(), backend.currentKey) == null;
  }

  /** An iterable over the current key's map; each iterator starts on the map as it is then. */
  private <T> Iterable<T> iterable(BiFunction<UK, UV, T> view) {
    int index = groupIndex();
    K key = backend.currentKey;
    return () -> new MapIterator<>(index, key, view);
  }

  @SuppressWarnings("unchecked")
  private SlotMap<UK, UV> stored(int index, K key) {
    return (SlotMap<UK, UV>) table.get(index, key);
  }

  /** Returns the map of {@code key} for writing: created, copied or as is. */
  private SlotMap<UK, UV> writable(int index, K key) {
    SlotMap<UK, UV> map = stored(index, key);
    if (map == null) {
      map = table.newUserMap();
      table.put(index, key, map);
    } else if (table.isFrozen(map.version)) {
      map = new SlotMap<>(map, table.version());
      table.put(index, key, map);
    } else {
      table.changed(index, key);
    }
    return map;
  }

  /** Removes {@code userKey} from the map of {@code key}, and the map itself when it becomes empty. */
  private void remove(int index, K key, UK userKey) {
    SlotMap<UK, UV> map = stored(index, key);
    if (map == null || !map.containsKey(userKey)) {
      return;
    }
    if (map.size() == 1) {
      table.remove(index, key);
    } else {
      writable(index, key).remove(userKey);
    }
  }

  private UK copyKey(UK key) {
    return copy(keySerializer, mutableKeys, key);
  }

  private UV copyValue(UV value) {
    return value == null ? null : copy(valueSerializer, mutableValues, value);
  }

  /** Iterates the map a key had when the iterator was made, handing out copies. */
  private final class MapIterator<T> implements Iterator<T> {

    private final int index;
    private final K key;
    private final BiFunction<UK, UV, T> view;
    private final SlotMap<UK, UV> map;
    /** The next occupied pair position of {@link #map}, or its capacity when there is none. */
    private int next = -1;
    private UK last;

    MapIterator(int index, K key, BiFunction<UK, UV, T> view) {
      backend.checkOpen();
      this.index = index;
      this.key = key;
      this.view = view;
      this.map = stored(index, key);
      advance();
    }

    private void advance() {
      int capacity = map == null ? 0 : map.capacity();
      do {
        next++;
      } while (next < capacity && map.keyAt(next) == null);
    }

    @Override
    public boolean hasNext() {
      backend.checkOpen();
      return map != null && next < map.capacity();
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      UK userKey = map.keyAt(next);
      UV value = map.valueAt(next);
      advance();
      last = userKey;
      return view.apply(userKey, value);
    }

    @Override
    public void remove() {
      backend.checkOpen();
      if (last == null) {
        throw new IllegalStateException("next() was not called, or remove() was already called after it");
      }
      if (stored(index, key) == map) { // detach: the map under this iterator must not move
        table.put(index, key, new SlotMap<>(map, table.version()));
      }
      HeapMapState.this.remove(index, key, last);
      last = null;
    }
  }
}
