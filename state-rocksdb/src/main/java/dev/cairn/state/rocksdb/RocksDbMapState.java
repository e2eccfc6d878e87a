package dev.cairn.state.rocksdb;

import dev.cairn.state.MapState;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.TypeSerializer;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * {@link MapState} on RocksDB: one entry per map entry, key {@code [key group][key][user key]},
 * value a marker byte ({@value #NULL_VALUE} for a null value, {@value #PRESENT_VALUE} otherwise)
 * followed by the serialized value. A key's map is one contiguous key range; an empty map is no
 * entry at all.
 *
 * <p>Iteration streams the range in batches of {@value #BATCH} entries, each read by a short-lived
 * RocksDB iterator bounded by the key's prefix: memory stays bounded however large the map, and no
 * native iterator outlives a call, so an iterator that is dropped half-way leaks nothing.
 */
final class RocksDbMapState<UK, UV> implements MapState<UK, UV> {

  static final byte NULL_VALUE = 0;
  static final byte PRESENT_VALUE = 1;
  static final int BATCH = 128;

  private final RocksDbKeyedBackend<?> backend;
  private final RocksDbColumn column;
  private final TypeSerializer<UK> userKeySerializer;
  private final TypeSerializer<UV> valueSerializer;

  RocksDbMapState(
      RocksDbKeyedBackend<?> backend,
      RocksDbColumn column,
      TypeSerializer<UK> userKeySerializer,
      TypeSerializer<UV> valueSerializer) {
    this.backend = backend;
    this.column = column;
    this.userKeySerializer = userKeySerializer;
    this.valueSerializer = valueSerializer;
  }

  @Override
  public UV get(UK key) {
    int keyLength = userKey(key);
    int length = backend.read(column, keyLength);
    if (length == RocksDbKeyedBackend.NOT_FOUND || backend.readFirstByte() == NULL_VALUE) {
      return null;
    }
    return valueSerializer.deserialize(backend.readInput(1, length - 1));
  }

  @Override
  public void put(UK key, UV value) {
    int keyLength = userKey(key);
    encodeValue(value);
    backend.write(column, keyLength);
  }

  @Override
  public void putAll(Map<UK, UV> map) {
    if (map == null) {
      throw nullArgument("the map");
    }
    for (UK key : map.keySet()) {
      if (key == null) {
        throw nullArgument("a user key");
      }
    }
    backend.checkAccess(column);
    if (map.isEmpty()) {
      return;
    }
    backend.flushCache(column); // the batch replaces cached entries
    for (Map.Entry<UK, UV> entry : map.entrySet()) {
      int keyLength = userKey(entry.getKey());
      byte[] key = Arrays.copyOf(backend.keyBuffer.array(), keyLength);
      encodeValue(entry.getValue());
      backend.batchPut(column, key, backend.valueBuffer.toByteArray());
    }
    backend.writeBatch("write", column);
  }

  @Override
  public void remove(UK key) {
    backend.delete(column, userKey(key));
  }

  @Override
  public boolean contains(UK key) {
    return backend.exists(column, userKey(key));
  }

  @Override
  public Iterable<Map.Entry<UK, UV>> entries() {
    backend.checkAccess(column);
    byte[] prefix = backend.copyPrefix();
    return () -> new MapIterator<>(prefix, true, (k, v) -> new AbstractMap.SimpleImmutableEntry<>(k, v));
  }

  @Override
  public Iterable<UK> keys() {
    backend.checkAccess(column);
    byte[] prefix = backend.copyPrefix();
    return () -> new MapIterator<>(prefix, false, (k, v) -> k);
  }

  @Override
  public Iterable<UV> values() {
    backend.checkAccess(column);
    byte[] prefix = backend.copyPrefix();
    return () -> new MapIterator<>(prefix, true, (k, v) -> v);
  }

  @Override
  public Iterator<Map.Entry<UK, UV>> iterator() {
    return entries().iterator();
  }

  @Override
  public boolean isEmpty() {
    backend.checkAccess(column);
    byte[] prefix = backend.copyPrefix();
    ScanBatch batch = new ScanBatch();
    backend.scan(column, prefix, prefix, false, 1, batch, false);
    return batch.size() == 0;
  }

  @Override
  public void clear() {
    backend.checkAccess(column);
    byte[] prefix = backend.copyPrefix();
    ScanBatch batch = new ScanBatch();
    byte[] start = prefix;
    boolean afterStart = false;
    do {
      backend.scan(column, prefix, start, afterStart, BATCH, batch, false);
      for (int i = 0; i < batch.size(); i++) {
        backend.batchDelete(column, batch.copyKey(i));
      }
      if (batch.size() > 0) {
        backend.writeBatch("clear", column);
        start = batch.copyKey(batch.size() - 1);
        afterStart = true;
      }
    } while (batch.size() == BATCH);
  }

  /** Checks access, writes the current key's prefix and {@code key} to the key buffer, returns the length. */
  private int userKey(UK key) {
    if (key == null) {
      throw nullArgument("a user key");
    }
    backend.checkAccess(column);
    DataOutputBuffer out = backend.userKeyBuffer();
    userKeySerializer.serialize(key, out);
    return out.length();
  }

  private void encodeValue(UV value) {
    DataOutputBuffer out = backend.valueBuffer;
    out.reset();
    if (value == null) {
      out.writeByte(NULL_VALUE);
    } else {
      out.writeByte(PRESENT_VALUE);
      valueSerializer.serialize(value, out);
    }
  }

  private NullPointerException nullArgument(String what) {
    return new NullPointerException(what + " of state '" + column.name + "' must not be null");
  }

  /** Makes what an iterator returns from a user key and value. */
  @FunctionalInterface
  private interface Projection<UK, UV, R> {
    R apply(UK key, UV value);
  }

  /** Iterates one key's map in batches; {@link #remove()} deletes the last returned entry. */
  private final class MapIterator<R> implements Iterator<R> {
    private final byte[] prefix;
    private final boolean withValues;
    private final Projection<UK, UV, R> projection;
    private final DataInputBuffer input = new DataInputBuffer();
    private final ScanBatch batch = new ScanBatch();
    private int index;
    private boolean exhausted;
    /** The entry of {@link #batch} last returned, or -1. */
    private int lastReturned = -1;
    /** The key last returned when it was in an earlier batch, or null. */
    private byte[] lastReturnedEarlier;

    MapIterator(byte[] prefix, boolean withValues, Projection<UK, UV, R> projection) {
      this.prefix = prefix;
      this.withValues = withValues;
      this.projection = projection;
      load(prefix, false);
    }

    private void load(byte[] start, boolean afterStart) {
      backend.checkOpen(column.name);
      if (lastReturned >= 0) {
        lastReturnedEarlier = batch.copyKey(lastReturned);
        lastReturned = -1;
      }
      backend.scan(column, prefix, start, afterStart, BATCH, batch, withValues);
      index = 0;
      exhausted = batch.size() < BATCH;
    }

    @Override
    public boolean hasNext() {
      backend.checkOpen(column.name);
      if (index < batch.size()) {
        return true;
      }
      if (exhausted) {
        return false;
      }
      load(batch.copyKey(batch.size() - 1), true);
      return index < batch.size();
    }

    @Override
    public R next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      byte[] bytes = batch.bytes();
      int keyOffset = batch.keyOffset(index) + prefix.length;
      UK userKey = userKeySerializer.deserialize(input.wrap(bytes, keyOffset, batch.keyLength(index) - prefix.length));
      UV value = null;
      if (withValues && bytes[batch.valueOffset(index)] != NULL_VALUE) {
        value = valueSerializer.deserialize(input.wrap(bytes, batch.valueOffset(index) + 1, batch.valueLength(index) - 1));
      }
      lastReturned = index++;
      lastReturnedEarlier = null;
      return projection.apply(userKey, value);
    }

    @Override
    public void remove() {
      backend.checkOpen(column.name);
      if (lastReturned >= 0) {
        backend.delete(column, batch.copyKey(lastReturned));
      } else if (lastReturnedEarlier != null) {
        backend.delete(column, lastReturnedEarlier);
      } else {
        throw new IllegalStateException("next() was not called, or remove() was called already");
      }
      lastReturned = -1;
      lastReturnedEarlier = null;
    }
  }
}
