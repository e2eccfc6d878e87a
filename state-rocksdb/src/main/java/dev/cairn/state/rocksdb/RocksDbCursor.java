package dev.cairn.state.rocksdb;

import dev.cairn.state.StateKind;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.StateCursor;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A {@link StateCursor} over one column family, in RocksDB's key order ({@code [key group][key]},
 * then the user key for map state). It reads {@value #BATCH} entries at a time with their values
 * into a {@link ScanBatch}, through an iterator opened, sought to just after the last key read, and
 * closed within the read, so no native handle (nor the memtables and files an iterator pins) is held
 * between calls; {@link #advance} then hands out the batch's entries. A round starts by writing the
 * state's dirty entries out of the write-back cache; within a round, the entries are what RocksDB
 * held when their batch was read, without the cache's newer dirty entries: keys the caller is given
 * may have changed since (it re-checks them), and keys written since the round started are visited
 * in the next one.
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

  private static final byte[] NONE = new byte[0];

  private final RocksDbKeyedBackend<K> backend;
  private final String stateName;
  private final ScanBatch batch = new ScanBatch();
  private final DataInputBuffer input = new DataInputBuffer();
  private final DataInputBuffer element = new DataInputBuffer();
  /** The next entry of {@link #batch} to visit. */
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
    StateCursor.checkMaxEntries(maxEntries);
    backend.checkOpen(stateName);
    RocksDbColumn column = backend.registeredColumn(stateName);
    @SuppressWarnings("unchecked")
    TypeSerializer<Object> values = (TypeSerializer<Object>) column.descriptor.valueSerializer();
    int visited = 0;
    while (visited < maxEntries) {
      if (next >= batch.size()) {
        if (lastBatch) {
          startRound();
          return visited;
        }
        read(column);
        if (batch.size() == 0) {
          startRound();
          return visited;
        }
      }
      int entry = next++;
      visited++;
      if (test(column.kind(), values, entry, select)) {
        pass(entry, selected);
      }
    }
    return visited;
  }

  private void startRound() {
    batch.clear();
    next = 0;
    lastRead = null;
    lastBatch = false;
    lastSelected = null;
  }

  /**
   * Reads the next batch, after {@link #lastRead}; at the start of a round, from the first key,
   * after writing the state's dirty entries out of the write-back cache (once per round: keys that
   * exist only in the cache would otherwise never be visited while the cache keeps them).
   */
  private void read(RocksDbColumn column) {
    if (lastRead == null) {
      backend.flushCache(column);
    }
    backend.scanStored(column, NONE, lastRead == null ? NONE : lastRead, lastRead != null, BATCH, batch, true);
    next = 0;
    lastBatch = batch.size() < BATCH;
    if (batch.size() > 0) {
      lastRead = batch.copyKey(batch.size() - 1);
    }
  }

  /** Returns whether {@code select} takes a stored value of the entry. */
  private boolean test(StateKind kind, TypeSerializer<Object> values, int entry, Predicate<Object> select) {
    byte[] bytes = batch.bytes();
    int offset = batch.valueOffset(entry);
    int length = batch.valueLength(entry);
    switch (kind) {
      case MAP -> {
        if (bytes[offset] == RocksDbMapState.NULL_VALUE) {
          return select.test(null);
        }
        return select.test(values.deserialize(input.wrap(bytes, offset + 1, length - 1)));
      }
      case LIST -> {
        DataInputBuffer in = input.wrap(bytes, offset, length);
        while (in.remaining() > 0) {
          int elementLength = in.readLength(1);
          if (select.test(values.deserialize(element.wrap(bytes, in.position(), elementLength)))) {
            return true;
          }
          in.skip(elementLength);
        }
        return false;
      }
      default -> {
        return select.test(values.deserialize(input.wrap(bytes, offset, length)));
      }
    }
  }

  /** Passes the entry's key to {@code selected}, unless it was the key passed last. */
  private void pass(int entry, Consumer<? super K> selected) {
    byte[] bytes = batch.bytes();
    int offset = batch.keyOffset(entry);
    DataInputBuffer in = input.wrap(bytes, offset + 2, batch.keyLength(entry) - 2);
    K key = backend.keySerializer.deserialize(in);
    byte[] prefix = Arrays.copyOfRange(bytes, offset, in.position());
    if (Arrays.equals(prefix, lastSelected)) {
      return;
    }
    lastSelected = prefix;
    selected.accept(key);
  }
}
