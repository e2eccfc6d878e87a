package dev.cairn.state.heap;

import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.serde.TypeSerializer;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * A {@link MapState} on the heap: the table stores an owned {@link VersionedMap} per key, changed in
 * place unless an open snapshot shares it. An emptied map is removed. Iterators run over the map
 * they started on; their {@code remove()} changes it in place only while it is still the current,
 * unshared map of their key, and otherwise goes through the copy-on-write path, so a map frozen by a
 * snapshot taken during the iteration is never changed.
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
    VersionedMap<UK, UV> map = stored(groupIndex(), backend.currentKey);
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
    Map<UK, UV> own = new HashMap<>(map.size() * 4 / 3 + 1);
    for (Map.Entry<UK, UV> entry : map.entrySet()) {
      if (entry.getKey() == null) {
        throw nullArgument("a user key");
      }
      own.put(copy(keySerializer, mutableKeys, entry.getKey()), copyValue(entry.getValue()));
    }
    writable(index, backend.currentKey).putAll(own);
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
    VersionedMap<UK, UV> map = stored(groupIndex(), backend.currentKey);
    if (key == null) {
      throw nullArgument("the user key");
    }
    return map != null && map.containsKey(key);
  }

  @Override
  public Iterable<Map.Entry<UK, UV>> entries() {
    return iterable(entry -> new AbstractMap.SimpleImmutableEntry<>(copyKey(entry.getKey()), copyValue(entry.getValue())));
  }

  @Override
  public Iterable<UK> keys() {
    return iterable(entry -> copyKey(entry.getKey()));
  }

  @Override
  public Iterable<UV> values() {
    return iterable(entry -> copyValue(entry.getValue()));
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
  private <T> Iterable<T> iterable(Function<Map.Entry<UK, UV>, T> view) {
    int index = groupIndex();
    K key = backend.currentKey;
    return () -> new MapIterator<>(index, key, view);
  }

  @SuppressWarnings("unchecked")
  private VersionedMap<UK, UV> stored(int index, K key) {
    return (VersionedMap<UK, UV>) table.get(index, key);
  }

  /** Returns the map of {@code key} for writing: created, copied or as is. */
  private VersionedMap<UK, UV> writable(int index, K key) {
    VersionedMap<UK, UV> map = stored(index, key);
    if (map == null) {
      map = new VersionedMap<>(table.version());
      table.put(index, key, map);
    } else if (table.isFrozen(map.version)) {
      map = new VersionedMap<>(map, table.version());
      table.put(index, key, map);
    }
    return map;
  }

  /** Removes {@code userKey} from the map of {@code key}, and the map itself when it becomes empty. */
  private void remove(int index, K key, UK userKey) {
    VersionedMap<UK, UV> map = stored(index, key);
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
    private final Function<Map.Entry<UK, UV>, T> view;
    private final VersionedMap<UK, UV> map;
    private final Iterator<Map.Entry<UK, UV>> entries;
    private UK last;
    private boolean removable;

    MapIterator(int index, K key, Function<Map.Entry<UK, UV>, T> view) {
      backend.checkOpen();
      this.index = index;
      this.key = key;
      this.view = view;
      this.map = stored(index, key);
      this.entries = map == null ? Collections.emptyIterator() : map.entrySet().iterator();
    }

    @Override
    public boolean hasNext() {
      backend.checkOpen();
      return entries.hasNext();
    }

    @Override
    public T next() {
      backend.checkOpen();
      if (!entries.hasNext()) {
        throw new NoSuchElementException();
      }
      Map.Entry<UK, UV> entry = entries.next();
      last = entry.getKey();
      removable = true;
      return view.apply(entry);
    }

    @Override
    public void remove() {
      backend.checkOpen();
      if (!removable) {
        throw new IllegalStateException("next() was not called, or remove() was already called after it");
      }
      removable = false;
      if (stored(index, key) == map && !table.isFrozen(map.version) && map.size() > 1) {
        entries.remove();
      } else {
        HeapMapState.this.remove(index, key, last);
      }
    }
  }
}
