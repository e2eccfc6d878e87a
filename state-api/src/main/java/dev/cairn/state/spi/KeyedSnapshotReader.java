package dev.cairn.state.spi;

import dev.cairn.state.SerializationException;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.StateException;
import dev.cairn.state.StateKind;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.SerializerSnapshots;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one keyed-state stream in the {@link KeyedSnapshotFormat canonical format}: the header on
 * construction, then the entries through {@link #readEntries}. Any damage (bad magic or version,
 * truncation, impossible lengths, unknown states) throws {@link SnapshotException} naming the
 * stream.
 */
public final class KeyedSnapshotReader {

  /** Receives the entries of a stream. Byte arrays are owned by the receiver (empty ones may be shared). */
  public interface EntryVisitor {
    /** A value, reducing or aggregating entry. */
    void value(int stateIndex, int keyGroup, byte[] key, byte[] value);

    /** A list entry with at least one element. */
    void list(int stateIndex, int keyGroup, byte[] key, List<byte[]> elements);

    /** One map entry; {@code value} is null when the user key is mapped to null. */
    void mapEntry(int stateIndex, int keyGroup, byte[] key, byte[] userKey, byte[] value);
  }

  private static final byte[] EMPTY = new byte[0];

  private final DataInputStream in;
  private final String description;
  private final int maxParallelism;
  private final KeyGroupRange keyGroupRange;
  private final TypeSerializerSnapshot<?> keySerializer;
  private final List<StateMetaInfo> states;

  /**
   * Reads the header of the stream.
   *
   * @param stream the stream; not closed by this reader
   * @param description names the stream in error messages
   * @throws SnapshotException if the header is damaged or of an unknown format
   */
  public KeyedSnapshotReader(InputStream stream, String description) {
    this.in = new DataInputStream(new BufferedInputStream(stream, 64 * 1024));
    this.description = description;
    try {
      int magic = in.readInt();
      if (magic != KeyedSnapshotFormat.MAGIC) {
        throw damaged("not a keyed-state stream (magic " + Integer.toHexString(magic) + ")", null);
      }
      int version = in.readInt();
      if (version != KeyedSnapshotFormat.VERSION) {
        throw damaged("unsupported keyed-state format version " + version, null);
      }
      int headerLength = in.readInt();
      if (headerLength < 0 || headerLength > KeyedSnapshotFormat.MAX_HEADER_LENGTH) {
        throw damaged("bad header length " + headerLength, null);
      }
      byte[] headerBytes = in.readNBytes(headerLength);
      if (headerBytes.length != headerLength) {
        throw new EOFException();
      }
      DataInputBuffer header = new DataInputBuffer(headerBytes);
      maxParallelism = header.readInt();
      int start = header.readInt();
      int end = header.readInt();
      KeyGroups.checkMaxParallelism(maxParallelism);
      keyGroupRange = new KeyGroupRange(start, end);
      if (end >= maxParallelism) {
        throw damaged("key-group range " + keyGroupRange + " exceeds max parallelism " + maxParallelism, null);
      }
      keySerializer = SerializerSnapshots.read(header);
      int stateCount = header.readLength(1);
      List<StateMetaInfo> read = new ArrayList<>();
      for (int i = 0; i < stateCount; i++) {
        String name = header.readString();
        StateKind kind = StateKind.ofCode(header.readUnsignedByte());
        TypeSerializerSnapshot<?> value = SerializerSnapshots.read(header);
        TypeSerializerSnapshot<?> userKey = kind == StateKind.MAP ? SerializerSnapshots.read(header) : null;
        read.add(new StateMetaInfo(name, kind, value, userKey));
      }
      if (header.remaining() != 0) {
        throw damaged(header.remaining() + " unread header bytes", null);
      }
      states = List.copyOf(read);
    } catch (IOException | RuntimeException e) {
      throw wrap(e);
    }
  }

  /** Returns the max parallelism the snapshot was written with. */
  public int maxParallelism() {
    return maxParallelism;
  }

  /** Returns the key groups the snapshot covers. */
  public KeyGroupRange keyGroupRange() {
    return keyGroupRange;
  }

  /** Returns the key serializer's snapshot. */
  public TypeSerializerSnapshot<?> keySerializer() {
    return keySerializer;
  }

  /** Returns the states, in index order. */
  public List<StateMetaInfo> states() {
    return states;
  }

  /**
   * Reads every entry, passing those whose key group is in {@code filter} to {@code visitor} and
   * skipping the rest, then checks the trailer.
   *
   * @return the number of entries passed to the visitor
   * @throws SnapshotException if the stream is damaged
   */
  public long readEntries(KeyGroupRange filter, EntryVisitor visitor) {
    long total = 0;
    long delivered = 0;
    try {
      while (true) {
        int keyGroup = in.readInt();
        if (keyGroup == KeyedSnapshotFormat.END_OF_SECTIONS) {
          break;
        }
        if (!keyGroupRange.contains(keyGroup)) {
          throw damaged("section of key group " + keyGroup + " outside " + keyGroupRange, null);
        }
        int stateIndex = readVarInt();
        if (stateIndex >= states.size()) {
          throw damaged("section of unknown state index " + stateIndex, null);
        }
        StateKind kind = states.get(stateIndex).kind();
        boolean wanted = filter.contains(keyGroup);
        while (true) {
          byte marker = in.readByte();
          if (marker == KeyedSnapshotFormat.END_OF_SECTION) {
            break;
          }
          if (marker != KeyedSnapshotFormat.ENTRY) {
            throw damaged("bad entry marker " + marker, null);
          }
          byte[] key = readBytes();
          switch (kind) {
            case LIST -> {
              int count = readVarInt();
              if (count == 0) {
                throw damaged("empty list entry", null);
              }
              List<byte[]> elements = new ArrayList<>(Math.min(count, 1024));
              for (int i = 0; i < count; i++) {
                elements.add(readBytes());
              }
              if (wanted) {
                visitor.list(stateIndex, keyGroup, key, elements);
              }
            }
            case MAP -> {
              byte[] userKey = readBytes();
              int present = in.readUnsignedByte();
              if (present > 1) {
                throw damaged("bad null marker " + present, null);
              }
              byte[] value = present == 1 ? readBytes() : null;
              if (wanted) {
                visitor.mapEntry(stateIndex, keyGroup, key, userKey, value);
              }
            }
            default -> {
              byte[] value = readBytes();
              if (wanted) {
                visitor.value(stateIndex, keyGroup, key, value);
              }
            }
          }
          total++;
          if (wanted) {
            delivered++;
          }
        }
      }
      long declared = in.readLong();
      if (declared != total) {
        throw damaged("trailer declares " + declared + " entries, read " + total, null);
      }
      if (in.read() != -1) {
        throw damaged("trailing bytes after the end of the stream", null);
      }
      return delivered;
    } catch (IOException | RuntimeException e) {
      throw wrap(e);
    }
  }

  /** Reads a var-int as {@link DataInputBuffer#readVarInt()} does, from the stream. */
  private int readVarInt() throws IOException {
    int result = 0;
    for (int shift = 0; shift < 28; shift += 7) {
      int b = in.readUnsignedByte();
      result |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    int last = in.readUnsignedByte();
    if ((last & ~0x07) != 0) {
      throw damaged("bad var-int", null);
    }
    return result | (last << 28);
  }

  private byte[] readBytes() throws IOException {
    int length = readVarInt();
    if (length == 0) {
      return EMPTY; // one byte of stream must not cost an array object: lists of empty elements stay small
    }
    byte[] bytes = in.readNBytes(length); // grows in chunks: a corrupt length cannot force a huge allocation
    if (bytes.length != length) {
      throw new EOFException();
    }
    return bytes;
  }

  private SnapshotException damaged(String what, Throwable cause) {
    return new SnapshotException("damaged keyed-state stream " + description + ": " + what, cause);
  }

  private RuntimeException wrap(Exception e) {
    if (e instanceof SnapshotException s) {
      return s;
    }
    if (e instanceof StateException s && !(e instanceof SerializationException)) {
      return s; // the visitor's own error (a closed backend, say), not damage of the stream
    }
    if (e instanceof EOFException) {
      return damaged("truncated", e);
    }
    if (e instanceof SerializationException || e instanceof IllegalArgumentException) {
      return damaged(e.getMessage(), e);
    }
    if (e instanceof IOException) {
      return new SnapshotException("cannot read keyed-state stream " + description + ": " + e.getMessage(), e);
    }
    return damaged(e.toString(), e);
  }
}
