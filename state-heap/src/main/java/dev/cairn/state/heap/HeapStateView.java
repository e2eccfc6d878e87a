package dev.cairn.state.heap;

import dev.cairn.state.BackendClosedException;
import dev.cairn.state.KeyGroupOutOfRangeException;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.BackendView;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyGroups;
import dev.cairn.state.spi.StateMetaInfo;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The heap backend's {@link BackendView}: the tables' group arrays cloned at {@link
 * HeapKeyedStateBackend#view()}, with their version pinned like a snapshot's, so the task thread
 * copies every group map, list and map it shares with the view before changing it. Readers on any
 * thread therefore walk structures nobody changes; the view hands out copies of mutable keys and
 * values, as the state handles do. Releasing unpins the version.
 */
final class HeapStateView<K> implements BackendView<K> {

  private final HeapKeyedStateBackend<K> backend;
  private final int version;
  private final Map<String, StateTable.Frozen<K>> tables;
  private final Map<String, StateMetaInfo> states;
  private final int maxParallelism;
  private final KeyGroupRange range;
  private final TypeSerializer<K> keySerializer;
  private final boolean copyKeys;

  HeapStateView(
      HeapKeyedStateBackend<K> backend,
      int version,
      Map<String, StateTable.Frozen<K>> tables,
      int maxParallelism,
      KeyGroupRange range) {
    this.backend = backend;
    this.version = version;
    this.tables = tables;
    Map<String, StateMetaInfo> metas = new LinkedHashMap<>();
    tables.forEach((name, table) -> metas.put(name, table.meta()));
    this.states = Collections.unmodifiableMap(metas);
    this.maxParallelism = maxParallelism;
    this.range = range;
    this.keySerializer = backend.keySerializer;
    this.copyKeys = !keySerializer.isImmutable();
  }

  @Override
  public Map<String, StateMetaInfo> states() {
    return states;
  }

  @Override
  public Object get(String state, K key) {
    StateTable.Frozen<K> table = table(state);
    Object stored = table.stored(groupIndex(key), key);
    if (stored == null) {
      return null;
    }
    StateTable<K> source = table.table();
    TypeSerializer<Object> serializer = source.valueSerializer;
    if (stored instanceof VersionedList<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object element : list) {
        copy.add(copy(serializer, element));
      }
      return Collections.unmodifiableList(copy);
    }
    return copy(serializer, stored);
  }

  @Override
  public Map.Entry<Object, Object> mapEntry(String state, K key, Object userKey) {
    StateTable.Frozen<K> table = table(state);
    SlotMap<?, ?> map = (SlotMap<?, ?>) table.stored(groupIndex(key), key);
    if (map == null || !map.containsKey(userKey)) {
      return null;
    }
    return entry(table.table(), userKey, map.get(userKey));
  }

  @Override
  public Iterator<Map.Entry<Object, Object>> mapEntries(String state, K key) {
    StateTable.Frozen<K> table = table(state);
    SlotMap<?, ?> map = (SlotMap<?, ?>) table.stored(groupIndex(key), key);
    if (map == null) {
      return Collections.emptyIterator();
    }
    StateTable<K> source = table.table();
    return new SlotIterator<>(map) {
      @Override
      Map.Entry<Object, Object> at(SlotMap<?, ?> slots, int pair) {
        return entry(source, slots.keyAt(pair), slots.valueAt(pair));
      }
    };
  }

  @Override
  public Iterator<K> keys(String state) {
    StateTable.Frozen<K> table = table(state);
    return new Iterator<>() {
      private int group = -1;
      private Iterator<K> inGroup = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        checkOpen();
        while (!inGroup.hasNext()) {
          if (++group >= table.groupCount()) {
            return false;
          }
          SlotMap<K, Object> map = table.group(group);
          if (map != null) {
            inGroup = new SlotIterator<>(map) {
              @Override
              K at(SlotMap<?, ?> slots, int pair) {
                @SuppressWarnings("unchecked")
                K key = (K) slots.keyAt(pair);
                return copyKeys ? keySerializer.copy(key) : key;
              }
            };
          }
        }
        return true;
      }

      @Override
      public K next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return inGroup.next();
      }
    };
  }

  /** Every key of the state is serialized and compared: heap tables have no order. */
  @Override
  public Iterator<K> keys(String state, K from, K to) {
    record Match<K>(byte[] bytes, K key) {}
    byte[] lower = serialize(from, new DataOutputBuffer());
    byte[] upper = serialize(to, new DataOutputBuffer());
    List<Match<K>> matches = new ArrayList<>();
    DataOutputBuffer buffer = new DataOutputBuffer();
    for (Iterator<K> keys = keys(state); keys.hasNext(); ) {
      K key = keys.next();
      byte[] bytes = serialize(key, buffer);
      if (Arrays.compareUnsigned(bytes, lower) >= 0 && Arrays.compareUnsigned(bytes, upper) < 0) {
        matches.add(new Match<>(bytes, key));
      }
    }
    matches.sort(Comparator.comparing(Match::bytes, Arrays::compareUnsigned));
    return matches.stream().map(Match::key).iterator();
  }

  private byte[] serialize(K key, DataOutputBuffer buffer) {
    buffer.reset();
    keySerializer.serialize(key, buffer);
    return buffer.toByteArray();
  }

  @Override
  public void release() {
    backend.releaseSnapshot(version);
  }

  private StateTable.Frozen<K> table(String state) {
    checkOpen();
    return tables.get(state);
  }

  private void checkOpen() {
    if (backend.isClosed()) {
      throw new BackendClosedException("a view of the heap state backend was read after the backend was closed");
    }
  }

  private int groupIndex(K key) {
    int keyGroup = KeyGroups.assign(keySerializer, key, maxParallelism);
    if (!range.contains(keyGroup)) {
      throw new KeyGroupOutOfRangeException(
          "key " + key + " belongs to key group " + keyGroup + ", outside this backend's key-group range " + range);
    }
    return keyGroup - range.startKeyGroup();
  }

  private static Map.Entry<Object, Object> entry(StateTable<?> table, Object userKey, Object value) {
    return new AbstractMap.SimpleImmutableEntry<>(
        copy(table.userKeySerializer, userKey), value == null ? null : copy(table.valueSerializer, value));
  }

  private static Object copy(TypeSerializer<Object> serializer, Object value) {
    return serializer.isImmutable() ? value : serializer.copy(value);
  }

  /** Walks the used pairs of a frozen {@link SlotMap}. */
  private abstract static class SlotIterator<T> implements Iterator<T> {
    private final SlotMap<?, ?> slots;
    private int pair = -1;

    SlotIterator(SlotMap<?, ?> slots) {
      this.slots = slots;
      advance();
    }

    abstract T at(SlotMap<?, ?> slots, int pair);

    private void advance() {
      do {
        pair++;
      } while (pair < slots.capacity() && slots.keyAt(pair) == null);
    }

    @Override
    public boolean hasNext() {
      return pair < slots.capacity();
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      T value = at(slots, pair);
      advance();
      return value;
    }
  }
}
