package dev.cairn.state.kit;

import dev.cairn.state.SnapshotException;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.SnapshotOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A {@link SnapshotOutput} that keeps streams as byte arrays in memory, and gives a {@link
 * SnapshotInput} of what was written. A stream counts as written when it is closed. Thread-safe, so a
 * snapshot may be written on any thread. For tests: streams can be read, replaced or damaged with
 * {@link #bytes(String)} and {@link #put(String, byte[])}.
 */
public final class MemorySnapshotStore implements SnapshotOutput {

  private static final Pattern STREAM_NAME = Pattern.compile("[a-z0-9._-]{1,64}");

  private final String description;
  private final Map<String, byte[]> streams = new ConcurrentHashMap<>();
  private final Set<String> created = ConcurrentHashMap.newKeySet();

  /** Creates an empty store described as "memory snapshot". */
  public MemorySnapshotStore() {
    this("memory snapshot");
  }

  /** Creates an empty store; {@code description} names it in error messages. */
  public MemorySnapshotStore(String description) {
    this.description = description;
  }

  @Override
  public OutputStream createStream(String name) {
    if (name == null || !STREAM_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid stream name '" + name + "'");
    }
    if (!created.add(name)) {
      throw new IllegalArgumentException("stream '" + name + "' was already created in " + description);
    }
    return new ByteArrayOutputStream() {
      private boolean closed;

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          streams.put(name, toByteArray());
        }
      }
    };
  }

  /** Returns the names of the streams written (closed) so far. */
  public Set<String> streamNames() {
    return Set.copyOf(streams.keySet());
  }

  /**
   * Returns a copy of a written stream's bytes.
   *
   * @throws IllegalArgumentException if no stream of that name was written
   */
  public byte[] bytes(String name) {
    byte[] bytes = streams.get(name);
    if (bytes == null) {
      throw new IllegalArgumentException("no stream '" + name + "' in " + description);
    }
    return bytes.clone();
  }

  /** Stores a copy of {@code bytes} as the stream {@code name}, replacing any written before. */
  public void put(String name, byte[] bytes) {
    created.add(name);
    streams.put(name, bytes.clone());
  }

  /** Returns a view for restoring: it sees the streams written so far and any written later. */
  public SnapshotInput input() {
    return new SnapshotInput() {
      @Override
      public Set<String> streamNames() {
        return MemorySnapshotStore.this.streamNames();
      }

      @Override
      public InputStream openStream(String name) throws IOException {
        byte[] bytes = streams.get(name);
        if (bytes == null) {
          throw new SnapshotException("no stream '" + name + "' in " + description);
        }
        return new ByteArrayInputStream(bytes);
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
