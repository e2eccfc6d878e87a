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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.rocksdb.RocksDB;

/**
 * A backend's state frozen as the live files of its RocksDB database: the synchronous part flushed
 * the memtables, disabled the deletion of obsolete files and listed the live files ({@link
 * RocksDbKeyedBackend#snapshot}), so they stay as they are until this snapshot is closed, whatever
 * compaction does (SST files are never changed in place; the MANIFEST is only appended to, and is
 * read up to its listed size; {@code CURRENT} is written from the listed MANIFEST's name, not read).
 * {@link #writeTo} stores those files in format {@value
 * NativeSnapshotMeta#FORMAT}: each SST file is a shared entry, referenced if the backend's last
 * completed checkpoint (or a claimed restore) stored it already ({@link SharedFileRegistry}), written
 * otherwise; every other file goes inline into the meta stream (a private stream if it is large); an
 * empty write-ahead log is left out; and the meta stream {@value
 * NativeSnapshotMeta#STREAM_NAME} comes last, with each file's size and CRC32C.
 *
 * <p>The writer holds a lease on the backend's {@link ResourceGuard}, as {@link RocksDbSnapshot}'s
 * does, and checks between chunks of {@value #CHUNK} bytes whether the backend or this snapshot is
 * being closed: closing the backend then waits only until the writer stops, and only then deletes
 * the working directory's files. File deletions are enabled again when the snapshot is closed (or
 * when its write ends, if it was closed meanwhile); the coordinator closes it after acknowledging
 * the checkpoint.
 */
final class RocksDbIncrementalSnapshot extends SingleWriteSnapshot {

  private static final int CHUNK = 64 * 1024;

  private final RocksDbKeyedBackend<?> backend;
  /** The database whose file deletions this snapshot disabled. */
  private final RocksDB database;
  private final Path databaseDirectory;
  /** The live files' names, sorted. */
  private final List<String> files;
  private final long manifestSize;
  private final List<NativeSnapshotMeta.State> states;
  private final TypeSerializerSnapshot<?> keySerializer;
  private final int maxParallelism;
  private final KeyGroupRange keyGroupRange;
  private final long generation;

  RocksDbIncrementalSnapshot(
      RocksDbKeyedBackend<?> backend,
      long checkpointId,
      RocksDB database,
      Path databaseDirectory,
      RocksDB.LiveFiles live,
      List<NativeSnapshotMeta.State> states,
      TypeSerializerSnapshot<?> keySerializer,
      int maxParallelism,
      KeyGroupRange keyGroupRange,
      long generation) {
    super(checkpointId);
    this.backend = backend;
    this.database = database;
    this.databaseDirectory = databaseDirectory;
    List<String> names = new ArrayList<>(live.files.size());
    for (String file : live.files) {
      names.add(file.startsWith("/") ? file.substring(1) : file);
    }
    Collections.sort(names);
    this.files = List.copyOf(names);
    this.manifestSize = live.manifestFileSize;
    this.states = List.copyOf(states);
    this.keySerializer = keySerializer;
    this.maxParallelism = maxParallelism;
    this.keyGroupRange = keyGroupRange;
    this.generation = generation;
  }

  @Override
  SnapshotResult write(SnapshotOutput output) throws IOException {
    ResourceGuard guard = backend.guard();
    guard.acquire();
    try {
      SharedFileRegistry registry = backend.sharedFiles();
      Map<String, SharedFileRegistry.StoredFile> confirmed = registry.confirmed(generation);
      Map<String, SharedFileRegistry.StoredFile> stored = new HashMap<>();
      List<NativeSnapshotMeta.FileEntry> entries = new ArrayList<>();
      List<String> names = new ArrayList<>();
      String manifest = files.stream().filter(n -> n.startsWith("MANIFEST-")).findFirst().orElseThrow(
          () -> new IOException("snapshot " + checkpointId() + ": RocksDB listed no MANIFEST in " + databaseDirectory));
      for (String name : files) {
        checkNotClosing(guard);
        Path file = databaseDirectory.resolve(name);
        if (!NativeSnapshotMeta.isEntryName(name) || name.equals(NativeSnapshotMeta.STREAM_NAME)) {
          throw new IOException("snapshot " + checkpointId() + ": RocksDB file " + file + " has no valid entry name");
        }
        if (name.endsWith(".log")) {
          continue; // writes skip the write-ahead log, and the memtables were flushed
        }
        if (name.equals("CURRENT")) { // the live one may name a newer MANIFEST by now
          entries.add(inline(name, (manifest + "\n").getBytes(StandardCharsets.US_ASCII)));
          continue;
        }
        long limit = name.equals(manifest) ? manifestSize : Long.MAX_VALUE;
        if (name.endsWith(".sst")) {
          SharedFileRegistry.StoredFile known = confirmed.get(name);
          if (known != null) {
            output.referenceShared(name, known.handle());
          } else {
            Copy copy = new Copy(guard);
            SharedFileHandle handle = output.writeShared(name, out -> copy.copy(file, limit, out));
            known = new SharedFileRegistry.StoredFile(handle, copy.size, copy.crc32c());
          }
          stored.put(name, known);
          entries.add(NativeSnapshotMeta.FileEntry.stored(name, known.size(), known.crc32c(), true));
          names.add(name);
        } else if (Math.min(limit, size(file)) <= NativeSnapshotMeta.INLINE_LIMIT) {
          ByteArrayOutputStream content = new ByteArrayOutputStream();
          new Copy(guard).copy(file, limit, content);
          entries.add(inline(name, content.toByteArray()));
        } else {
          Copy copy = new Copy(guard);
          try (OutputStream out = output.createStream(name)) {
            copy.copy(file, limit, out);
          }
          entries.add(NativeSnapshotMeta.FileEntry.stored(name, copy.size, copy.crc32c(), false));
          names.add(name);
        }
      }
      NativeSnapshotMeta meta = new NativeSnapshotMeta(maxParallelism, keyGroupRange, keySerializer, states, entries);
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

  private static NativeSnapshotMeta.FileEntry inline(String name, byte[] content) {
    CRC32C crc = new CRC32C();
    crc.update(content);
    return new NativeSnapshotMeta.FileEntry(name, content.length, (int) crc.getValue(),
        NativeSnapshotMeta.Location.INLINE, content);
  }

  private long size(Path file) throws IOException {
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      throw missing(file, e);
    }
  }

  private IOException missing(Path file, NoSuchFileException e) {
    return new IOException("snapshot " + checkpointId() + ": live RocksDB file " + file
        + " is gone although file deletions were disabled (was the working directory changed from outside?)", e);
  }

  /** Lets the database delete obsolete files again. */
  @Override
  void release() {
    backend.enableFileDeletions(database, checkpointId());
  }

  /**
   * Copies one file (at most {@code limit} bytes of it) in chunks, checking for a close between
   * chunks; counts its size and CRC32C.
   */
  private final class Copy {
    private final ResourceGuard guard;
    private final CRC32C crc = new CRC32C();
    long size;

    Copy(ResourceGuard guard) {
      this.guard = guard;
    }

    void copy(Path file, long limit, OutputStream out) throws IOException {
      crc.reset();
      size = 0;
      byte[] buffer = new byte[CHUNK];
      try (InputStream in = Files.newInputStream(file)) {
        while (size < limit) {
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - size));
          if (n < 0) {
            break;
          }
          checkNotClosing(guard);
          out.write(buffer, 0, n);
          crc.update(buffer, 0, n);
          size += n;
        }
      } catch (NoSuchFileException e) {
        throw missing(file, e);
      }
      if (limit != Long.MAX_VALUE && size != limit) {
        throw new IOException("snapshot " + checkpointId() + ": " + file + " has " + size + " bytes, RocksDB listed "
            + limit);
      }
    }

    int crc32c() {
      return (int) crc.getValue();
    }
  }
}
