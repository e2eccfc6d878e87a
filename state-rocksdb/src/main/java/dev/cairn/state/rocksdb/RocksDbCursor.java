package dev.cairn.state.rocksdb;

import dev.cairn.state.StateKind;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.StateCursor;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.rocksdb.RocksIterator;

/**
 * A {@link StateCursor} over one column family, in RocksDB's key order ({@code [key group][key]},
 * then the user key for map state). It reads ahead {@value #BATCH} entries at a time through an
 * iterator opened, sought to just after the last key read, and closed within the read, so no native
 * handle (nor the memtables and files an iterator pins) is held between calls. While reading, it
 * decodes each value and applies {@code select} (of the call that reads the batch), and keeps only
 * the keys of selected entries; {@link #advance} then counts the batch's entries off and passes those
 * keys on when their entries come up. Per entry that is three JNI calls (value, next, valid) and a
 * decode; the key crosses JNI only when selected.
 *
 * <p>A round starts by writing the state's dirty entries out of the write-back cache; within a round,
 * the entries are what RocksDB held when their batch was read, without the cache's newer dirty
 * entries: keys the caller is given may have changed since (it re-checks them), and keys written
 * since the round started are visited in the next one.
 *
 * @param <K> the key type
 */
final class RocksDbCursor<K> implements StateCursor<K> {

  /**
   * Entries read per iterator: large enough that opening and seeking the iterator is a small part
   * of a batch, small enough that a batch is recent when handed out (two entries per write: 32
   * writes).
   */
  static final int BATCH = 64;

  private final RocksDbKeyedBackend<K> backend;
  private final String stateName;
  private final DataInputBuffer input = new DataInputBuffer();
  private final DataInputBuffer element = new DataInputBuffer();
  /** The keys of the batch's selected entries, in order. */
  private final ScanBatch selectedKeys = new ScanBatch();
  /** The batch's entry index of each key in {@link #selectedKeys}. */
  private final int[] selectedAt = new int[BATCH];
  private int selectedCount;
  private int selectedNext;
  private byte[] value = new byte[64];
  /** The entries in the current batch, and the next of them to visit. */
  private int batchSize;
  private int next;
  /** The last key read into a batch: the next batch starts after it; null at the start of a round. */
  private byte[] lastRead;
  /** Whether the batch holds the last entries of the column family: the round ends after them. */
  private boolean lastBatch;
  /** The {@code [key group][key]} prefix of the key last passed to the caller in this round, or null. */
  private byte[] lastSelected;

  RocksDbCursor(RocksDbKeyedBackend<K> backend, String stateName) {
    this.backend = backend;
    this.stateName = stateName;
  }

  @Override
  public int advance(int maxEntries, Predicate<Object> select, Consumer<? super K> selected) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("max entries must be at least 1, got " + maxEntries);
    }
    backend.checkOpen(stateName);
    RocksDbColumn column = backend.registeredColumn(stateName);
    int visited = 0;
    while (visited < maxEntries) {
      if (next >= batchSize) {
        if (lastBatch) {
          startRound();
          return visited;
        }
        read(column, select);
        if (batchSize == 0) {
          startRound();
          return visited;
        }
      }
      int entry = next++;
      visited++;
      if (selectedNext < selectedCount && selectedAt[selectedNext] == entry) {
        pass(selectedNext++, selected);
      }
    }
    return visited;
  }

  private void startRound() {
    batchSize = 0;
    next = 0;
    selectedCount = 0;
    selectedNext = 0;
    selectedKeys.clear();
    lastRead = null;
    lastBatch = false;
    lastSelected = null;
  }

  /**
   * Reads the next batch, after {@link #lastRead}; at the start of a round, from the first key,
   * after writing the state's dirty entries out of the write-back cache (once per round: keys that
   * exist only in the cache would otherwise never be visited while the cache keeps them).
   */
  private void read(RocksDbColumn column, Predicate<Object> select) {
    if (lastRead == null) {
      backend.flushCache(column);
    }
    @SuppressWarnings("unchecked")
    TypeSerializer<Object> values = (TypeSerializer<Object>) column.descriptor.valueSerializer();
    StateKind kind = column.kind();
    selectedKeys.clear();
    selectedCount = 0;
    selectedNext = 0;
    next = 0;
    int read = 0;
    try (RocksIterator iterator = backend.newIterator(column)) {
      if (lastRead == null) {
        iterator.seekToFirst();
      } else {
        iterator.seek(backend.nativeKey(lastRead));
        if (iterator.isValid() && backend.iteratorKey(iterator).equals(ByteBuffer.wrap(lastRead))) {
          iterator.next();
        }
      }
      for (; read < BATCH && iterator.isValid(); iterator.next(), read++) {
        ByteBuffer bytes = backend.iteratorValue(iterator);
        int length = bytes.remaining();
        if (length > value.length) {
          value = new byte[Math.max(length, 2 * value.length)];
        }
        bytes.get(bytes.position(), value, 0, length);
        boolean hit = test(kind, values, length, select);
        if (hit || read == BATCH - 1) {
          ByteBuffer key = backend.iteratorKey(iterator);
          if (hit) {
            selectedAt[selectedCount++] = read;
            selectedKeys.add(key, null);
          }
          if (read == BATCH - 1) {
            lastRead = new byte[key.remaining()];
            key.get(key.position(), lastRead);
          }
        }
      }
      if (!iterator.isValid()) {
        RocksDbKeyedBackend.checkIteratorStatus(iterator, "walk the entries of", column.name);
      }
    }
    batchSize = read;
    lastBatch = read < BATCH;
  }

  /** Returns whether {@code select} takes a stored value of the entry whose value is {@link #value}. */
  private boolean test(StateKind kind, TypeSerializer<Object> values, int length, Predicate<Object> select) {
    switch (kind) {
      case MAP -> {
        if (value[0] == RocksDbMapState.NULL_VALUE) {
          return select.test(null);
        }
        return select.test(values.deserialize(input.wrap(value, 1, length - 1)));
      }
      case LIST -> {
        DataInputBuffer in = input.wrap(value, 0, length);
        while (in.remaining() > 0) {
          int elementLength = in.readLength(1);
          if (select.test(values.deserialize(element.wrap(value, in.position(), elementLength)))) {
            return true;
          }
          in.skip(elementLength);
        }
        return false;
      }
      default -> {
        return select.test(values.deserialize(input.wrap(value, 0, length)));
      }
    }
  }

  /** Passes the selected key at {@code index} to {@code selected}, unless it was the key passed last. */
  private void pass(int index, Consumer<? super K> selected) {
    byte[] bytes = selectedKeys.bytes();
    int offset = selectedKeys.keyOffset(index);
    DataInputBuffer in = input.wrap(bytes, offset + 2, selectedKeys.keyLength(index) - 2);
    K key = backend.keySerializer.deserialize(in);
    byte[] prefix = Arrays.copyOfRange(bytes, offset, in.position());
    if (Arrays.equals(prefix, lastSelected)) {
      return;
    }
    lastSelected = prefix;
    selected.accept(key);
  }
}
