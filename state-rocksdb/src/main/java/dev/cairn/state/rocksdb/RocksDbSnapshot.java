package dev.cairn.state.rocksdb;

import dev.cairn.state.StateKind;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.KeyedSnapshotWriter;
import dev.cairn.state.spi.SnapshotOutput;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.StateMetaInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * A backend's state frozen by a native RocksDB snapshot and the write-back cache's dirty entries at
 * the same instant (the synchronous part: one native call and a list of references to the dirty
 * entries' immutable bytes). {@link #writeTo} iterates every column family at that snapshot, merged
 * in key order with the state's dirty entries (which win over RocksDB's value; a dirty delete hides
 * it), and writes the canonical format, one section per (key group, state).
 *
 * <p>The writer holds a lease on the backend's {@link ResourceGuard} and checks every {@value
 * #CHECK_INTERVAL} entries whether the backend or this snapshot is being closed; if so it stops with
 * an exception, so closing never frees a handle the writer is using.
 */
final class RocksDbSnapshot extends SingleWriteSnapshot {

  /** A state as it was at the synchronous part: its column family and its dirty cached entries. */
  record Column(ColumnFamilyHandle handle, StateMetaInfo meta, List<WriteBackCache.Dirty> cached) {}

  private static final Comparator<WriteBackCache.Dirty> KEY_ORDER =
      (a, b) -> Arrays.compareUnsigned(a.key(), b.key()); // RocksDB's bytewise order

  private static final int CHECK_INTERVAL = 1024;

  private final RocksDbKeyedBackend<?> backend;
  private final Snapshot nativeSnapshot;
  private final List<Column> columns;
  private final TypeSerializer<?> keySerializer;
  private final int maxParallelism;
  private final KeyGroupRange keyGroupRange;

  RocksDbSnapshot(
      RocksDbKeyedBackend<?> backend,
      long checkpointId,
      Snapshot nativeSnapshot,
      List<Column> columns,
      TypeSerializer<?> keySerializer,
      int maxParallelism,
      KeyGroupRange keyGroupRange) {
    super(checkpointId);
    this.backend = backend;
    this.nativeSnapshot = nativeSnapshot;
    this.columns = List.copyOf(columns);
    this.keySerializer = keySerializer;
    this.maxParallelism = maxParallelism;
    this.keyGroupRange = keyGroupRange;
  }

  Snapshot nativeSnapshot() {
    return nativeSnapshot;
  }

  @Override
  SnapshotResult write(SnapshotOutput output) throws IOException {
    ResourceGuard guard = backend.guard();
    guard.acquire();
    try (ReadOptions options = new ReadOptions().setSnapshot(nativeSnapshot).setFillCache(false);
        OutputStream out = output.createStream(KeyedSnapshotFormat.STREAM_NAME)) {
      List<StateMetaInfo> metas = columns.stream().map(Column::meta).toList();
      KeyedSnapshotWriter writer =
          new KeyedSnapshotWriter(out, maxParallelism, keyGroupRange, keySerializer.snapshot(), metas);
      ColumnWriter columnWriter = new ColumnWriter(writer, guard);
      for (int i = 0; i < columns.size(); i++) {
        Column column = columns.get(i);
        WriteBackCache.Dirty[] cached = column.cached().toArray(WriteBackCache.Dirty[]::new);
        Arrays.sort(cached, KEY_ORDER);
        try (RocksIterator iterator = backend.db().newIterator(column.handle(), options)) {
          columnWriter.write(i, column.meta(), iterator, cached);
        }
      }
      writer.finish();
      return SnapshotResult.canonical(metas, writer.entryCount());
    } finally {
      guard.release();
    }
  }

  @Override
  void release() {
    backend.releaseSnapshot(nativeSnapshot);
  }

  /** Writes the column families one after the other, reusing its buffers. */
  private final class ColumnWriter {
    private final KeyedSnapshotWriter writer;
    private final ResourceGuard guard;
    private final DataInputBuffer input = new DataInputBuffer();
    private byte[] key = new byte[64];
    private byte[] value = new byte[256];
    private byte[] keyOut = new byte[64];
    private byte[] userKeyOut = new byte[64];
    private byte[] valueOut = new byte[256];
    private byte[] lastPrefix = new byte[0];
    private long entries;
    /** The key group of the open section, or -1. */
    private int section;

    ColumnWriter(KeyedSnapshotWriter writer, ResourceGuard guard) {
      this.writer = writer;
      this.guard = guard;
    }

    void write(int stateIndex, StateMetaInfo meta, RocksIterator iterator, WriteBackCache.Dirty[] cached)
        throws IOException {
      section = -1;
      int next = 0;
      iterator.seekToFirst();
      int keyLength = readKey(iterator);
      while (keyLength >= 0 || next < cached.length) {
        if (++entries % CHECK_INTERVAL == 0) {
          checkNotClosing();
        }
        int order = keyLength < 0 ? 1 : next == cached.length ? -1
            : Arrays.compareUnsigned(key, 0, keyLength, cached[next].key(), 0, cached[next].key().length);
        if (order < 0) {
          int valueLength = iterator.value(value);
          if (valueLength > value.length) {
            value = new byte[valueLength * 2];
            iterator.value(value);
          }
          writeEntry(stateIndex, meta.kind(), key, keyLength, value, valueLength);
          iterator.next();
          keyLength = readKey(iterator);
          continue;
        }
        WriteBackCache.Dirty dirty = cached[next++];
        if (order == 0) {
          iterator.next(); // the cached write replaces RocksDB's value
          keyLength = readKey(iterator);
        }
        if (dirty.value() != null) {
          writeEntry(stateIndex, meta.kind(), dirty.key(), dirty.key().length, dirty.value(), dirty.value().length);
        }
      }
      try {
        iterator.status();
      } catch (RocksDBException e) {
        throw new RocksDbStateException("write snapshot " + checkpointId() + " of", meta.name(), e);
      }
      if (section >= 0) {
        writer.endSection();
      }
    }

    /** Reads the iterator's key into {@link #key}; returns its length, or -1 past the last entry. */
    private int readKey(RocksIterator iterator) {
      if (!iterator.isValid()) {
        return -1;
      }
      int keyLength = iterator.key(key);
      if (keyLength > key.length) {
        key = new byte[keyLength * 2];
        iterator.key(key);
      }
      return keyLength;
    }

    private void writeEntry(int stateIndex, StateKind kind, byte[] entryKey, int keyLength, byte[] entryValue, int valueLength)
        throws IOException {
      int keyGroup = ((entryKey[0] & 0xFF) << 8) | (entryKey[1] & 0xFF);
      if (keyGroup != section) {
        if (section >= 0) {
          writer.endSection();
        }
        writer.beginSection(keyGroup, stateIndex);
        section = keyGroup;
      }
      if (kind == StateKind.MAP) {
        int keyEnd = mapKeyEnd(entryKey, keyLength);
        keyOut = copy(entryKey, 2, keyEnd - 2, keyOut);
        userKeyOut = copy(entryKey, keyEnd, keyLength - keyEnd, userKeyOut);
        if (entryValue[0] == RocksDbMapState.NULL_VALUE) {
          writer.writeMapEntry(keyOut, keyEnd - 2, userKeyOut, keyLength - keyEnd, null, 0);
        } else {
          valueOut = copy(entryValue, 1, valueLength - 1, valueOut);
          writer.writeMapEntry(keyOut, keyEnd - 2, userKeyOut, keyLength - keyEnd, valueOut, valueLength - 1);
        }
        return;
      }
      keyOut = copy(entryKey, 2, keyLength - 2, keyOut);
      if (kind == StateKind.LIST) {
        writer.writeList(keyOut, keyLength - 2, RocksDbListState.splitElements(input.wrap(entryValue, 0, valueLength)));
      } else {
        writer.writeValue(keyOut, keyLength - 2, entryValue, valueLength);
      }
    }

    /**
     * Returns where the key ends and the user key begins in a map entry's RocksDB key. Entries of one
     * key are adjacent, so the previous entry's prefix usually matches; otherwise the key is
     * deserialized to find its length.
     */
    private int mapKeyEnd(byte[] entryKey, int keyLength) {
      int prefixLength = lastPrefix.length;
      if (prefixLength > 0 && keyLength >= prefixLength && Arrays.equals(entryKey, 0, prefixLength, lastPrefix, 0, prefixLength)) {
        return prefixLength;
      }
      input.wrap(entryKey, 2, keyLength - 2);
      keySerializer.deserialize(input);
      lastPrefix = Arrays.copyOf(entryKey, input.position());
      return lastPrefix.length;
    }

    private void checkNotClosing() {
      RocksDbSnapshot.this.checkNotClosing(guard);
    }
  }

  private static byte[] copy(byte[] source, int from, int length, byte[] target) {
    byte[] out = target.length >= length ? target : new byte[Math.max(length, target.length * 2)];
    System.arraycopy(source, from, out, 0, length);
    return out;
  }
}
