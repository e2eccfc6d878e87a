package dev.cairn.state.heap;

import dev.cairn.state.serde.TypeSerializerSnapshot;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.KeyedSnapshotWriter;
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
 */
final class HeapStateSnapshot implements StateSnapshot {

  private final HeapKeyedStateBackend<?> backend;
  private final long checkpointId;
  private final int version;
  private final int maxParallelism;
  private final KeyGroupRange range;
  private final TypeSerializerSnapshot<?> keySerializer;
  private List<SnapshotPart> parts;
  private boolean writing;
  private boolean written;
  private boolean closed;
  private boolean released;

  HeapStateSnapshot(
      HeapKeyedStateBackend<?> backend,
      long checkpointId,
      int version,
      int maxParallelism,
      KeyGroupRange range,
      TypeSerializerSnapshot<?> keySerializer,
      List<SnapshotPart> parts) {
    this.backend = backend;
    this.checkpointId = checkpointId;
    this.version = version;
    this.maxParallelism = maxParallelism;
    this.range = range;
    this.keySerializer = keySerializer;
    this.parts = parts;
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
    WriteBuffers buffers = new WriteBuffers();
    try (OutputStream out = output.createStream(KeyedSnapshotFormat.STREAM_NAME)) {
      KeyedSnapshotWriter writer = new KeyedSnapshotWriter(out, maxParallelism, range, keySerializer, metas);
      for (int keyGroup = range.startKeyGroup(); keyGroup <= range.endKeyGroup(); keyGroup++) {
        int index = keyGroup - range.startKeyGroup();
        for (int stateIndex = 0; stateIndex < frozen.size(); stateIndex++) {
          SnapshotPart part = frozen.get(stateIndex);
          if (part.hasEntries(index)) {
            writer.beginSection(keyGroup, stateIndex);
            part.write(index, writer, buffers);
            writer.endSection();
          }
        }
      }
      writer.finish();
      return SnapshotResult.canonical(metas, writer.entryCount());
    }
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
