package dev.cairn.state.kit;

import dev.cairn.state.SnapshotException;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.SnapshotOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * A {@link SnapshotOutput} that keeps entries as byte arrays in memory, and gives a {@link
 * SnapshotInput} of what was written. A stream counts as written when it is closed. Shared files go
 * to a {@link SharedFiles} pool that stores made with {@link #next(String)} share, so a chain of
 * incremental snapshots can be written and restored. Thread-safe, so a snapshot may be written on any
 * thread. For tests: entries can be read, replaced or damaged with {@link #bytes(String)} and {@link
 * #put(String, byte[])}.
 */
public final class MemorySnapshotStore implements SnapshotOutput {

  private static final Pattern ENTRY_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** Shared files of a chain of snapshots, by handle id. */
  public static final class SharedFiles {
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();

    /** Returns the ids of the shared files stored so far. */
    public Set<String> ids() {
      return Set.copyOf(files.keySet());
    }

    /** Returns the total size of the shared files stored so far. */
    public long totalBytes() {
      return files.values().stream().mapToLong(b -> b.length).sum();
    }
  }

  private final String description;
  private final SharedFiles shared;
  private final Map<String, byte[]> streams = new ConcurrentHashMap<>();
  private final Map<String, SharedFileHandle> sharedEntries = new ConcurrentHashMap<>();
  private final Set<String> created = ConcurrentHashMap.newKeySet();
  private final AtomicLong bytesWritten = new AtomicLong();

  /** Creates an empty store described as "memory snapshot". */
  public MemorySnapshotStore() {
    this("memory snapshot");
  }

  /** Creates an empty store with a pool of shared files of its own; {@code description} names it in error messages. */
  public MemorySnapshotStore(String description) {
    this(description, new SharedFiles());
  }

  private MemorySnapshotStore(String description, SharedFiles shared) {
    this.description = description;
    this.shared = shared;
  }

  /** Returns an empty store for the next snapshot of a chain: it shares this store's shared files. */
  public MemorySnapshotStore next(String description) {
    return new MemorySnapshotStore(description, shared);
  }

  /** Returns the pool of shared files. */
  public SharedFiles sharedFiles() {
    return shared;
  }

  /** Returns the bytes this snapshot wrote: private streams and new shared files, not references. */
  public long bytesWritten() {
    return bytesWritten.get();
  }

  private void claimName(String name) {
    if (name == null || !ENTRY_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid entry name '" + name + "'");
    }
    if (!created.add(name)) {
      throw new IllegalArgumentException("entry '" + name + "' was already created in " + description);
    }
  }

  @Override
  public OutputStream createStream(String name) {
    claimName(name);
    return new ByteArrayOutputStream() {
      private boolean closed;

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          byte[] bytes = toByteArray();
          bytesWritten.addAndGet(bytes.length);
          streams.put(name, bytes);
        }
      }
    };
  }

  @Override
  public SharedFileHandle writeShared(String name, ContentWriter content) throws IOException {
    claimName(name);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    content.write(out);
    byte[] bytes = out.toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    SharedFileHandle handle = new SharedFileHandle("shared-" + shared.nextId.incrementAndGet(), bytes.length, (int) crc.getValue());
    shared.files.put(handle.id(), bytes);
    bytesWritten.addAndGet(bytes.length);
    sharedEntries.put(name, handle);
    return handle;
  }

  @Override
  public void referenceShared(String name, SharedFileHandle handle) {
    if (!shared.files.containsKey(handle.id())) {
      throw new IllegalArgumentException("unknown shared file " + handle + " referenced in " + description);
    }
    claimName(name);
    sharedEntries.put(name, handle);
  }

  /** Returns the names of the entries written (closed) or referenced so far. */
  public Set<String> streamNames() {
    Set<String> names = new java.util.HashSet<>(streams.keySet());
    names.addAll(sharedEntries.keySet());
    return Set.copyOf(names);
  }

  /**
   * Returns a copy of an entry's bytes.
   *
   * @throws IllegalArgumentException if no entry of that name was written
   */
  public byte[] bytes(String name) {
    byte[] bytes = lookup(name);
    if (bytes == null) {
      throw new IllegalArgumentException("no entry '" + name + "' in " + description);
    }
    return bytes.clone();
  }

  private byte[] lookup(String name) {
    SharedFileHandle handle = sharedEntries.get(name);
    return handle != null ? shared.files.get(handle.id()) : streams.get(name);
  }

  /** Stores a copy of {@code bytes} as the private stream {@code name}, replacing any written before. */
  public void put(String name, byte[] bytes) {
    created.add(name);
    sharedEntries.remove(name);
    streams.put(name, bytes.clone());
  }

  /** Returns a view of a canonical snapshot for restoring: {@code input(KeyedSnapshotFormat.FORMAT, false)}. */
  public SnapshotInput input() {
    return input(KeyedSnapshotFormat.FORMAT, false);
  }

  /**
   * Returns a view for restoring: it sees the entries written so far and any written later.
   *
   * @param format the format the snapshot's result reported
   * @param claim whether shared entries hand out their handles (a restore in claim mode)
   */
  public SnapshotInput input(String format, boolean claim) {
    return new SnapshotInput() {
      @Override
      public String format() {
        return format;
      }

      @Override
      public Set<String> streamNames() {
        return MemorySnapshotStore.this.streamNames();
      }

      @Override
      public InputStream openStream(String name) throws IOException {
        byte[] bytes = lookup(name);
        if (bytes == null) {
          throw new SnapshotException("no entry '" + name + "' in " + description);
        }
        return new ByteArrayInputStream(bytes);
      }

      @Override
      public Optional<SharedFileHandle> sharedHandle(String name) {
        return claim ? Optional.ofNullable(sharedEntries.get(name)) : Optional.empty();
      }

      @Override
      public String description() {
        return description;
      }
    };
  }

  @Override
  public String toString() {
    return description + " " + streamNames();
  }
}
