package dev.cairn.state.rocksdb;

import dev.cairn.state.serde.TypeSerializerSnapshot;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.SnapshotOutput;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.StateMetaInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A backend's state frozen as a native RocksDB checkpoint: the synchronous part flushed the
 * memtables and hard-linked the database's files into a directory of their own ({@link
 * RocksDbKeyedBackend#snapshot}). {@link #writeTo} stores that directory in format {@value
 * NativeSnapshotMeta#FORMAT}: each SST file is a shared entry, referenced if the backend's last
 * completed checkpoint (or a claimed restore) stored it already ({@link SharedFileRegistry}), written
 * otherwise; every other file goes inline into the meta stream (a private stream if it is large); an
 * empty write-ahead log is left out; and the meta stream {@value
 * NativeSnapshotMeta#STREAM_NAME} comes last, with each file's size and CRC32C.
 *
 * <p>The writer holds a lease on the backend's {@link ResourceGuard}, as {@link RocksDbSnapshot}'s
 * does, and checks between chunks of {@value #CHUNK} bytes whether the backend or this snapshot is
 * being closed: closing the backend then waits only until the writer stops, and only then deletes
 * the working directory's files. The checkpoint directory is deleted when the snapshot is closed
 * (or when its write ends, if it was closed meanwhile): the coordinator closes it after
 * acknowledging the checkpoint, so deleting the hard links is not part of the checkpoint's time.
 */
final class RocksDbIncrementalSnapshot extends SingleWriteSnapshot {

  private static final int CHUNK = 64 * 1024;

  private final RocksDbKeyedBackend<?> backend;
  private final Path directory;
  private final List<NativeSnapshotMeta.State> states;
  private final TypeSerializerSnapshot<?> keySerializer;
  private final int maxParallelism;
  private final KeyGroupRange keyGroupRange;
  private final long generation;

  RocksDbIncrementalSnapshot(
      RocksDbKeyedBackend<?> backend,
      long checkpointId,
      Path directory,
      List<NativeSnapshotMeta.State> states,
      TypeSerializerSnapshot<?> keySerializer,
      int maxParallelism,
      KeyGroupRange keyGroupRange,
      long generation) {
    super(checkpointId);
    this.backend = backend;
    this.directory = directory;
    this.states = List.copyOf(states);
    this.keySerializer = keySerializer;
    this.maxParallelism = maxParallelism;
    this.keyGroupRange = keyGroupRange;
    this.generation = generation;
  }

  /** Returns the local checkpoint directory (deleted once closed). */
  Path directory() {
    return directory;
  }

  @Override
  SnapshotResult write(SnapshotOutput output) throws IOException {
    ResourceGuard guard = backend.guard();
    guard.acquire();
    try {
      SharedFileRegistry registry = backend.sharedFiles();
      Map<String, SharedFileRegistry.StoredFile> confirmed = registry.confirmed(generation);
      Map<String, SharedFileRegistry.StoredFile> stored = new HashMap<>();
      List<NativeSnapshotMeta.FileEntry> files = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (Path file : listFiles()) {
        checkNotClosing(guard);
        String name = file.getFileName().toString();
        if (!NativeSnapshotMeta.isEntryName(name) || name.equals(NativeSnapshotMeta.STREAM_NAME)) {
          throw new IOException("snapshot " + checkpointId() + ": RocksDB file " + file + " has no valid entry name");
        }
        if (name.endsWith(".log") && Files.size(file) == 0) {
          continue; // an empty write-ahead log (writes skip it): RocksDB opens without one
        }
        if (name.endsWith(".sst")) {
          SharedFileRegistry.StoredFile known = confirmed.get(name);
          if (known != null) {
            output.referenceShared(name, known.handle());
          } else {
            Copy copy = new Copy(guard);
            SharedFileHandle handle = output.writeShared(name, out -> copy.copy(file, out));
            known = new SharedFileRegistry.StoredFile(handle, copy.size, copy.crc32c());
          }
          stored.put(name, known);
          files.add(NativeSnapshotMeta.FileEntry.stored(name, known.size(), known.crc32c(), true));
          names.add(name);
        } else if (Files.size(file) <= NativeSnapshotMeta.INLINE_LIMIT) {
          Copy copy = new Copy(guard);
          ByteArrayOutputStream content = new ByteArrayOutputStream();
          copy.copy(file, content);
          files.add(new NativeSnapshotMeta.FileEntry(name, copy.size, copy.crc32c(),
              NativeSnapshotMeta.Location.INLINE, content.toByteArray()));
        } else {
          Copy copy = new Copy(guard);
          try (OutputStream out = output.createStream(name)) {
            copy.copy(file, out);
          }
          files.add(NativeSnapshotMeta.FileEntry.stored(name, copy.size, copy.crc32c(), false));
          names.add(name);
        }
      }
      NativeSnapshotMeta meta = new NativeSnapshotMeta(maxParallelism, keyGroupRange, keySerializer, states, files);
      try (OutputStream out = output.createStream(NativeSnapshotMeta.STREAM_NAME)) {
        out.write(meta.toBytes());
      }
      names.add(NativeSnapshotMeta.STREAM_NAME);
      registry.written(generation, checkpointId(), stored);
      List<StateMetaInfo> metas = states.stream().map(NativeSnapshotMeta.State::meta).toList();
      return new SnapshotResult(NativeSnapshotMeta.FORMAT, names, metas, -1);
    } finally {
      guard.release();
    }
  }

  private List<Path> listFiles() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Override
  void release() {
    WorkingDirectory.deleteQuietly(directory);
  }

  /** Copies one file in chunks, checking for a close between chunks; counts its size and CRC32C. */
  private final class Copy {
    private final ResourceGuard guard;
    private final CRC32C crc = new CRC32C();
    long size;

    Copy(ResourceGuard guard) {
      this.guard = guard;
    }

    void copy(Path file, OutputStream out) throws IOException {
      crc.reset();
      size = 0;
      byte[] buffer = new byte[CHUNK];
      try (InputStream in = Files.newInputStream(file)) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          checkNotClosing(guard);
          out.write(buffer, 0, n);
          crc.update(buffer, 0, n);
          size += n;
        }
      }
    }

    int crc32c() {
      return (int) crc.getValue();
    }
  }
}
