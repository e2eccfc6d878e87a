package dev.cairn.state.rocksdb;

import dev.cairn.state.KeyGroupOutOfRangeException;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.StateKind;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.BackendView;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyGroups;
import dev.cairn.state.spi.StateMetaInfo;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * The RocksDB backend's {@link BackendView}: a native snapshot taken right after the write-back
 * cache was written out, read by any thread. Every read holds a lease of the backend's {@link
 * ResourceGuard}, so the backend's close waits for it instead of freeing handles under it (and later
 * reads fail with {@code BackendClosedException}). Point reads share one {@link ReadOptions} at the
 * snapshot (RocksDB reads it without changing it); iterations read in batches, each through an
 * iterator of its own closed before the call returns, so no native handle outlives a call.
 */
final class RocksDbStateView<K> implements BackendView<K> {

  /** A registered state as it was when the view was taken. */
  record State(String name, ColumnFamilyHandle handle, StateMetaInfo meta, StateDescriptor<?> descriptor) {}

  private static final int BATCH = 128;
  /** Batch of each key group's cursor in a range scan, which keeps one per key group. */
  private static final int RANGE_BATCH = 16;

  private final RocksDbKeyedBackend<K> backend;
  private final Snapshot snapshot;
  private final ReadOptions pointReads;
  private final Map<String, State> states = new LinkedHashMap<>();
  private final Map<String, StateMetaInfo> metas;
  private final TypeSerializer<K> keySerializer;
  private final int maxParallelism;
  private final KeyGroupRange range;

  RocksDbStateView(
      RocksDbKeyedBackend<K> backend,
      Snapshot snapshot,
      List<State> states,
      TypeSerializer<K> keySerializer,
      int maxParallelism,
      KeyGroupRange range) {
    this.backend = backend;
    this.snapshot = snapshot;
    this.pointReads = new ReadOptions().setSnapshot(snapshot);
    Map<String, StateMetaInfo> byName = new LinkedHashMap<>();
    for (State state : states) {
      this.states.put(state.name(), state);
      byName.put(state.name(), state.meta());
    }
    this.metas = Collections.unmodifiableMap(byName);
    this.keySerializer = keySerializer;
    this.maxParallelism = maxParallelism;
    this.range = range;
  }

  @Override
  public Map<String, StateMetaInfo> states() {
    return metas;
  }

  @Override
  public Object get(String name, K key) {
    State state = states.get(name);
    byte[] bytes = pointRead(state, prefix(key));
    if (bytes == null) {
      return null;
    }
    TypeSerializer<?> serializer = state.descriptor().valueSerializer();
    DataInputBuffer input = new DataInputBuffer().wrap(bytes);
    if (state.meta().kind() != StateKind.LIST) {
      return serializer.deserialize(input);
    }
    List<Object> elements = new ArrayList<>();
    for (byte[] element : RocksDbListState.splitElements(input)) {
      elements.add(serializer.deserialize(new DataInputBuffer().wrap(element)));
    }
    return Collections.unmodifiableList(elements);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Map.Entry<Object, Object> mapEntry(String name, K key, Object userKey) {
    State state = states.get(name);
    DataOutputBuffer out = new DataOutputBuffer(64);
    out.writeBytes(prefix(key));
    ((TypeSerializer<Object>) ((MapStateDescriptor<?, ?>) state.descriptor()).userKeySerializer()).serialize(userKey, out);
    byte[] value = pointRead(state, out.toByteArray());
    return value == null ? null : new AbstractMap.SimpleImmutableEntry<>(userKey, mapValue(state, value, value.length));
  }

  @Override
  public Iterator<Map.Entry<Object, Object>> mapEntries(String name, K key) {
    State state = states.get(name);
    byte[] prefix = prefix(key);
    TypeSerializer<?> userKeys = ((MapStateDescriptor<?, ?>) state.descriptor()).userKeySerializer();
    return new Cursor<>(state, prefix, RocksDbKeyedBackend.successor(prefix), BATCH, (iterator, batch) -> {
      byte[] raw = iterator.key();
      byte[] value = iterator.value();
      Object userKey = userKeys.deserialize(new DataInputBuffer().wrap(raw, prefix.length, raw.length - prefix.length));
      batch.add(new AbstractMap.SimpleImmutableEntry<>(userKey, mapValue(state, value, value.length)));
      iterator.next();
      return after(raw);
    });
  }

  @Override
  public Iterator<K> keys(String name) {
    State state = states.get(name);
    return new Cursor<>(state, group(range.startKeyGroup()), group(range.endKeyGroup() + 1), BATCH,
        (iterator, batch) -> {
          Found<K> found = nextKey(state, iterator);
          batch.add(found.key());
          return found.resume();
        });
  }

  @Override
  public Iterator<K> keys(String name, K from, K to) {
    State state = states.get(name);
    byte[] lower = serialize(from);
    byte[] upper = serialize(to);
    if (Arrays.compareUnsigned(lower, upper) >= 0) {
      return Collections.emptyIterator();
    }
    PriorityQueue<Head<K>> heads = new PriorityQueue<>(Comparator.comparing(Head::bytes, Arrays::compareUnsigned));
    for (int keyGroup = range.startKeyGroup(); keyGroup <= range.endKeyGroup(); keyGroup++) {
      Cursor<Found<K>> cursor = new Cursor<>(state, concat(group(keyGroup), lower), concat(group(keyGroup), upper),
          RANGE_BATCH, (iterator, batch) -> {
            Found<K> found = nextKey(state, iterator);
            batch.add(found);
            return found.resume();
          });
      if (cursor.hasNext()) {
        heads.add(new Head<>(cursor.next(), cursor));
      }
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return !heads.isEmpty();
      }

      @Override
      public K next() {
        Head<K> head = heads.poll();
        if (head == null) {
          throw new NoSuchElementException();
        }
        if (head.cursor().hasNext()) {
          heads.add(new Head<>(head.cursor().next(), head.cursor()));
        }
        return head.found().key();
      }
    };
  }

  @Override
  public void release() {
    backend.releaseSnapshot(snapshot);
    pointReads.close();
  }

  // ---------------------------------------------------------------------------------------------

  /** A key found by an iteration: the key, its serialized bytes (without the key group), where to go on. */
  private record Found<K>(K key, byte[] bytes, byte[] resume) {}

  /** The smallest unread key of one key group's cursor in a range scan. */
  private record Head<K>(Found<K> found, Iterator<Found<K>> cursor) {
    byte[] bytes() {
      return found.bytes();
    }
  }

  /**
   * Reads the key at the iterator and moves past every entry of it (map state: seeks past the key's
   * prefix; other kinds: one step, a key has one entry).
   */
  private Found<K> nextKey(State state, RocksIterator iterator) {
    byte[] raw = iterator.key();
    DataInputBuffer input = new DataInputBuffer().wrap(raw, 2, raw.length - 2);
    K key = keySerializer.deserialize(input);
    byte[] prefix = Arrays.copyOf(raw, input.position());
    byte[] resume = RocksDbKeyedBackend.successor(prefix);
    if (state.meta().kind() != StateKind.MAP) {
      iterator.next();
    } else if (resume == null) {
      iterator.seekToLast();
      iterator.next();
    } else {
      iterator.seek(resume);
    }
    return new Found<>(key, Arrays.copyOfRange(prefix, 2, prefix.length), resume);
  }

  /** Reads the bytes of one RocksDB key at the snapshot, under a lease; null if absent. */
  private byte[] pointRead(State state, byte[] key) {
    ResourceGuard guard = backend.guard();
    guard.acquire();
    try {
      return backend.db().get(state.handle(), pointReads, key);
    } catch (RocksDBException e) {
      throw new RocksDbStateException("read a view of", state.name(), e);
    } finally {
      guard.release();
    }
  }

  private static Object mapValue(State state, byte[] value, int length) {
    if (value[0] == RocksDbMapState.NULL_VALUE) {
      return null;
    }
    return state.descriptor().valueSerializer().deserialize(new DataInputBuffer().wrap(value, 1, length - 1));
  }

  /** Returns {@code [key group][key]}. */
  private byte[] prefix(K key) {
    int keyGroup = KeyGroups.assign(keySerializer, key, maxParallelism);
    if (!range.contains(keyGroup)) {
      throw new KeyGroupOutOfRangeException(
          "key " + key + " belongs to key group " + keyGroup + ", outside this backend's key-group range " + range);
    }
    DataOutputBuffer out = new DataOutputBuffer(32);
    out.writeShort(keyGroup);
    keySerializer.serialize(key, out);
    return out.toByteArray();
  }

  private byte[] serialize(K key) {
    DataOutputBuffer out = new DataOutputBuffer(32);
    keySerializer.serialize(key, out);
    return out.toByteArray();
  }

  private static byte[] group(int keyGroup) {
    return new byte[] {(byte) (keyGroup >>> 8), (byte) keyGroup};
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  /** The smallest key after {@code key}. */
  private static byte[] after(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }

  /** Reads one item at the iterator (which is valid), moving it on; returns where the next batch starts, null at the end. */
  private interface Step<T> {
    byte[] read(RocksIterator iterator, List<T> batch);
  }

  /**
   * Iterates {@code [lower, upper)} of one state at the snapshot in batches of up to {@code batchSize}
   * items; each batch opens an iterator, seeks, reads and closes it, under a lease.
   */
  private final class Cursor<T> implements Iterator<T> {
    private final State state;
    private final byte[] upper;
    private final int batchSize;
    private final Step<T> step;
    private final ArrayDeque<T> buffered = new ArrayDeque<>();
    private byte[] next;

    Cursor(State state, byte[] lower, byte[] upper, int batchSize, Step<T> step) {
      this.state = state;
      this.next = lower;
      this.upper = upper;
      this.batchSize = batchSize;
      this.step = step;
    }

    @Override
    public boolean hasNext() {
      if (buffered.isEmpty() && next != null) {
        readBatch();
      }
      return !buffered.isEmpty();
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return buffered.poll();
    }

    private void readBatch() {
      List<T> batch = new ArrayList<>(batchSize);
      ResourceGuard guard = backend.guard();
      guard.acquire();
      try (Slice bound = upper == null ? null : new Slice(upper);
          ReadOptions options = new ReadOptions().setSnapshot(snapshot);
          RocksIterator iterator = backend.db().newIterator(state.handle(), bound == null ? options : options.setIterateUpperBound(bound))) {
        byte[] resume = null;
        iterator.seek(next);
        while (iterator.isValid() && batch.size() < batchSize) {
          resume = step.read(iterator, batch);
          if (resume == null) {
            break;
          }
        }
        if (!iterator.isValid()) {
          iterator.status();
          resume = null;
        }
        next = resume;
      } catch (RocksDBException e) {
        throw new RocksDbStateException("iterate a view of", state.name(), e);
      } finally {
        guard.release();
      }
      buffered.addAll(batch);
    }
  }
}
