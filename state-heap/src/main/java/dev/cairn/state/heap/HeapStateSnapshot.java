package dev.cairn.state.heap;

import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.KeyedSnapshotWriter;
import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.SnapshotOutput;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.StateMetaInfo;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The states of a heap backend frozen at {@link HeapKeyedStateBackend#snapshot(long)}. It holds the
 * cloned group arrays of every table (and the restored states not registered yet); the task thread
 * never changes what they reference while the snapshot's version is pinned, so writing needs no lock.
 * The pin is released once the snapshot is written or closed, whichever comes first, but never while
 * a write is in progress.
 *
 * <p>Without a plan it writes the canonical stream. With an incremental plan ({@link
 * HeapIncrementalFormat}) it writes either a new base (the canonical stream, as a shared file) or a
 * delta: for each key of the plan's dirty sets, its whole state as frozen, or a tombstone if it has
 * none; then it references the earlier files of the chain and writes the chain stream.
 */
final class HeapStateSnapshot<K> implements StateSnapshot {

  private final HeapKeyedStateBackend<K> backend;
  private final long checkpointId;
  private final int version;
  private final int maxParallelism;
  private final KeyGroupRange range;
  private final TypeSerializerSnapshot<?> keySerializer;
  private final ChangeTracker.Plan<K> plan;
  private List<SnapshotPart> parts;
  private boolean writing;
  private boolean written;
  private boolean closed;
  private boolean released;

  /** @param plan what an incremental snapshot writes, or null for a canonical snapshot */
  HeapStateSnapshot(
      HeapKeyedStateBackend<K> backend,
      long checkpointId,
      int version,
      int maxParallelism,
      KeyGroupRange range,
      TypeSerializerSnapshot<?> keySerializer,
      List<SnapshotPart> parts,
      ChangeTracker.Plan<K> plan) {
    this.backend = backend;
    this.checkpointId = checkpointId;
    this.version = version;
    this.maxParallelism = maxParallelism;
    this.range = range;
    this.keySerializer = keySerializer;
    this.parts = parts;
    this.plan = plan;
  }

  @Override
  public long checkpointId() {
    return checkpointId;
  }

  @Override
  public SnapshotResult writeTo(SnapshotOutput output) throws IOException {
    List<SnapshotPart> frozen;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("snapshot of checkpoint " + checkpointId + " is closed");
      }
      if (written || writing) {
        throw new IllegalStateException("snapshot of checkpoint " + checkpointId + " was already written");
      }
      writing = true;
      frozen = parts;
    }
    try {
      return write(output, frozen);
    } finally {
      synchronized (this) {
        writing = false;
        written = true;
        release();
      }
    }
  }

  private SnapshotResult write(SnapshotOutput output, List<SnapshotPart> frozen) throws IOException {
    List<StateMetaInfo> metas = new ArrayList<>(frozen.size());
    for (SnapshotPart part : frozen) {
      metas.add(part.meta());
    }
    if (plan != null) {
      return writeIncremental(output, frozen, metas);
    }
    try (OutputStream out = output.createStream(KeyedSnapshotFormat.STREAM_NAME)) {
      return SnapshotResult.canonical(metas, writeCanonical(out, frozen, metas));
    }
  }

  /** Writes every entry as a canonical stream; returns the entry count. */
  private long writeCanonical(OutputStream out, List<SnapshotPart> frozen, List<StateMetaInfo> metas)
      throws IOException {
    WriteBuffers buffers = new WriteBuffers();
    KeyedSnapshotWriter writer = new KeyedSnapshotWriter(out, maxParallelism, range, keySerializer, metas);
    long[] bytes = new long[frozen.size()];
    for (int keyGroup = range.startKeyGroup(); keyGroup <= range.endKeyGroup(); keyGroup++) {
      int index = keyGroup - range.startKeyGroup();
      for (int stateIndex = 0; stateIndex < frozen.size(); stateIndex++) {
        SnapshotPart part = frozen.get(stateIndex);
        if (part.hasEntries(index)) {
          long start = writer.position();
          writer.beginSection(keyGroup, stateIndex);
          part.write(index, writer, buffers);
          writer.endSection();
          bytes[stateIndex] += writer.position() - start;
        }
      }
    }
    writer.finish();
    for (int stateIndex = 0; stateIndex < frozen.size(); stateIndex++) {
      if (frozen.get(stateIndex) instanceof StateTable.Frozen<?> table) {
        table.recordSerializedSize(bytes[stateIndex]); // the base of the metrics' bytes estimate
      }
    }
    return writer.entryCount();
  }

  private SnapshotResult writeIncremental(SnapshotOutput output, List<SnapshotPart> frozen, List<StateMetaInfo> metas)
      throws IOException {
    long[] entryCount = new long[1];
    List<String> entries = new ArrayList<>();
    ChangeTracker.Chain previous = plan.previous();
    ChangeTracker.Chain written;
    if (previous == null) {
      SharedFileHandle base = output.writeShared(
          HeapIncrementalFormat.BASE_ENTRY, out -> entryCount[0] = writeCanonical(out, frozen, metas));
      entries.add(HeapIncrementalFormat.BASE_ENTRY);
      written = ChangeTracker.Chain.base(base, metas);
    } else {
      output.referenceShared(HeapIncrementalFormat.BASE_ENTRY, previous.base());
      entries.add(HeapIncrementalFormat.BASE_ENTRY);
      for (int i = 0; i < previous.deltas().size(); i++) {
        String entry = HeapIncrementalFormat.deltaEntry(i + 1);
        output.referenceShared(entry, previous.deltas().get(i));
        entries.add(entry);
      }
      String entry = HeapIncrementalFormat.deltaEntry(previous.deltas().size() + 1);
      SharedFileHandle delta = output.writeShared(entry, out -> entryCount[0] = writeDelta(out, frozen, metas));
      entries.add(entry);
      written = previous.withDelta(delta, metas);
    }
    try (OutputStream out = output.createStream(HeapIncrementalFormat.CHAIN_STREAM)) {
      HeapIncrementalFormat.writeChain(out, checkpointId, entries);
    }
    plan.pending().written = written;
    List<String> streamNames = new ArrayList<>(entries);
    streamNames.add(HeapIncrementalFormat.CHAIN_STREAM);
    return new SnapshotResult(HeapIncrementalFormat.FORMAT, streamNames, metas, entryCount[0]);
  }

  /**
   * Writes a delta of the plan's dirty keys: tombstones for keys without state in the frozen view,
   * then the whole frozen state of the others. Returns the number of entries written (not counting
   * tombstones).
   */
  private long writeDelta(OutputStream out, List<SnapshotPart> frozen, List<StateMetaInfo> metas) throws IOException {
    record Section(int keyGroup, int stateIndex, List<Object> keys) {}
    WriteBuffers buffers = new WriteBuffers();
    DataOutputBuffer tombstones = new DataOutputBuffer();
    List<Section> sections = new ArrayList<>();
    List<K> removed = new ArrayList<>();
    for (int keyGroup = range.startKeyGroup(); keyGroup <= range.endKeyGroup(); keyGroup++) {
      int index = keyGroup - range.startKeyGroup();
      for (int stateIndex = 0; stateIndex < frozen.size(); stateIndex++) {
        if (!(frozen.get(stateIndex) instanceof StateTable.Frozen<?> part)) {
          continue; // a restored state not registered yet: nothing changed
        }
        @SuppressWarnings("unchecked")
        StateTable.Frozen<K> table = (StateTable.Frozen<K>) part;
        List<K> dirty = plan.dirtyKeys(table.meta().name(), index);
        if (dirty.isEmpty()) {
          continue;
        }
        List<Object> present = new ArrayList<>();
        removed.clear();
        for (K key : dirty) {
          if (table.hasState(index, key)) {
            present.add(key);
          } else {
            removed.add(key);
          }
        }
        if (!present.isEmpty()) {
          sections.add(new Section(keyGroup, stateIndex, present));
        }
        if (!removed.isEmpty()) {
          tombstones.writeInt(keyGroup);
          tombstones.writeString(table.meta().name());
          tombstones.writeVarInt(removed.size());
          for (K key : removed) {
            table.serializeKey(key, buffers);
            tombstones.writeLengthPrefixed(buffers.key.array(), 0, buffers.key.length());
          }
        }
      }
    }
    HeapIncrementalFormat.writeDeltaHeader(out, tombstones);
    KeyedSnapshotWriter writer = new KeyedSnapshotWriter(out, maxParallelism, range, keySerializer, metas);
    for (Section section : sections) {
      @SuppressWarnings("unchecked")
      StateTable.Frozen<K> table = (StateTable.Frozen<K>) frozen.get(section.stateIndex());
      int index = section.keyGroup() - range.startKeyGroup();
      writer.beginSection(section.keyGroup(), section.stateIndex());
      for (Object key : section.keys()) {
        @SuppressWarnings("unchecked")
        K typed = (K) key;
        table.writeEntry(typed, table.stored(index, typed), writer, buffers);
      }
      writer.endSection();
    }
    writer.finish();
    return writer.entryCount();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!writing) {
      release();
    }
  }

  /** Unpins the version once; the caller holds this snapshot's lock and no write is in progress. */
  private void release() {
    if (!released) {
      released = true;
      parts = null;
      backend.releaseSnapshot(version);
    }
  }
}
