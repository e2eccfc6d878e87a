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
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * A backend's state frozen by a native RocksDB snapshot (the synchronous part: one call, independent
 * of state size). {@link #writeTo} iterates every column family at that snapshot and writes the
 * canonical format, one section per (key group, state).
 *
 * <p>The writer holds a lease on the backend's {@link ResourceGuard} and checks every {@value
 * #CHECK_INTERVAL} entries whether the backend or this snapshot is being closed; if so it stops with
 * an exception, so closing never frees a handle the writer is using.
 */
final class RocksDbSnapshot extends SingleWriteSnapshot {

  /** A state as it was at the synchronous part. */
  record Column(ColumnFamilyHandle handle, StateMetaInfo meta) {}

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
        try (RocksIterator iterator = backend.db().newIterator(columns.get(i).handle(), options)) {
          columnWriter.write(i, columns.get(i).meta(), iterator);
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

    ColumnWriter(KeyedSnapshotWriter writer, ResourceGuard guard) {
      this.writer = writer;
      this.guard = guard;
    }

    void write(int stateIndex, StateMetaInfo meta, RocksIterator iterator) throws IOException {
      int section = -1;
      for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
        if (++entries % CHECK_INTERVAL == 0) {
          checkNotClosing();
        }
        int keyLength = iterator.key(key);
        if (keyLength > key.length) {
          key = new byte[keyLength * 2];
          iterator.key(key);
        }
        int valueLength = iterator.value(value);
        if (valueLength > value.length) {
          value = new byte[valueLength * 2];
          iterator.value(value);
        }
        int keyGroup = ((key[0] & 0xFF) << 8) | (key[1] & 0xFF);
        if (keyGroup != section) {
          if (section >= 0) {
            writer.endSection();
          }
          writer.beginSection(keyGroup, stateIndex);
          section = keyGroup;
        }
        writeEntry(meta.kind(), keyLength, valueLength);
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

    private void writeEntry(StateKind kind, int keyLength, int valueLength) throws IOException {
      if (kind == StateKind.MAP) {
        int keyEnd = mapKeyEnd(keyLength);
        keyOut = copy(key, 2, keyEnd - 2, keyOut);
        userKeyOut = copy(key, keyEnd, keyLength - keyEnd, userKeyOut);
        if (value[0] == RocksDbMapState.NULL_VALUE) {
          writer.writeMapEntry(keyOut, keyEnd - 2, userKeyOut, keyLength - keyEnd, null, 0);
        } else {
          valueOut = copy(value, 1, valueLength - 1, valueOut);
          writer.writeMapEntry(keyOut, keyEnd - 2, userKeyOut, keyLength - keyEnd, valueOut, valueLength - 1);
        }
        return;
      }
      keyOut = copy(key, 2, keyLength - 2, keyOut);
      if (kind == StateKind.LIST) {
        writer.writeList(keyOut, keyLength - 2, RocksDbListState.splitElements(input.wrap(value, 0, valueLength)));
      } else {
        writer.writeValue(keyOut, keyLength - 2, value, valueLength);
      }
    }

    /**
     * Returns where the key ends and the user key begins in a map entry's RocksDB key. Entries of one
     * key are adjacent, so the previous entry's prefix usually matches; otherwise the key is
     * deserialized to find its length.
     */
    private int mapKeyEnd(int keyLength) {
      int prefixLength = lastPrefix.length;
      if (prefixLength > 0 && keyLength >= prefixLength && Arrays.equals(key, 0, prefixLength, lastPrefix, 0, prefixLength)) {
        return prefixLength;
      }
      input.wrap(key, 2, keyLength - 2);
      keySerializer.deserialize(input);
      lastPrefix = Arrays.copyOf(key, input.position());
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
