package dev.cairn.state.rocksdb;

import dev.cairn.state.SnapshotException;
import dev.cairn.state.StateKind;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.SerializerSnapshots;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyGroups;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.StateMetaInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The meta stream {@value #STREAM_NAME} of a native RocksDB snapshot (format {@value #FORMAT}):
 * what restore needs besides the database's own files. Integers are big-endian, {@code varint} is
 * unsigned LEB128, {@code bytes} a varint length then the bytes.
 *
 * <pre>
 * stream    := MAGIC:int VERSION:int maxParallelism:int startKeyGroup:int endKeyGroup:int
 *              keySerializerSnapshot stateCount:varint state* fileCount:varint file*
 * state     := name:string kind:byte valueSerializerSnapshot [userKeySerializerSnapshot, map only]
 *              columnFamily:bytes
 * file      := entryName:string size:long crc32c:int location:byte [content:bytes, inline only]
 * </pre>
 *
 * Each file of the RocksDB checkpoint ({@code 000042.sst}, {@code MANIFEST-000005}, {@code
 * CURRENT}, {@code OPTIONS-000007}) has a location: SST files are shared entries of their own name;
 * the small rest (at most {@value #INLINE_LIMIT} bytes each) is inline, its bytes in this stream,
 * so that a checkpoint stores one private object instead of four; a larger one is a private entry of
 * its own name. Each file's size and CRC32C are recorded here, so restore finds a damaged or
 * truncated file whatever the storage checks. Version 1 (still read) had {@code shared:boolean}
 * instead of the location, and no inline files.
 */
final class NativeSnapshotMeta {

  /** The format id of native snapshots ({@link dev.cairn.state.spi.SnapshotResult#format()}). */
  static final String FORMAT = "rocksdb-native-v1";

  /** The meta stream's entry name. */
  static final String STREAM_NAME = "cairn-meta";

  static final int MAGIC = 0x43524E4D; // "CRNM"
  static final int VERSION = 2;
  /** The largest private file stored inline in the meta stream. */
  static final int INLINE_LIMIT = 1024 * 1024;
  private static final int MAX_LENGTH = 64 * 1024 * 1024;
  private static final Pattern ENTRY_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** A state and the column family that holds it. */
  record State(StateMetaInfo meta, byte[] columnFamily) {}

  /** Where a file of the checkpoint is stored. */
  enum Location {
    /** A private entry of the file's name. */
    PRIVATE,
    /** A shared entry of the file's name. */
    SHARED,
    /** In the meta stream itself. */
    INLINE
  }

  /**
   * One file of the checkpoint.
   *
   * @param content the file's bytes if {@code location} is {@link Location#INLINE}, else null
   */
  record FileEntry(String name, long size, int crc32c, Location location, byte[] content) {
    FileEntry {
      if ((location == Location.INLINE) != (content != null)) {
        throw new IllegalArgumentException("file " + name + ": content goes with an inline location only");
      }
    }

    /** A file stored as an entry of its own name. */
    static FileEntry stored(String name, long size, int crc32c, boolean shared) {
      return new FileEntry(name, size, crc32c, shared ? Location.SHARED : Location.PRIVATE, null);
    }

    boolean shared() {
      return location == Location.SHARED;
    }
  }

  final int maxParallelism;
  final KeyGroupRange keyGroupRange;
  final TypeSerializerSnapshot<?> keySerializer;
  final List<State> states;
  final List<FileEntry> files;

  NativeSnapshotMeta(
      int maxParallelism,
      KeyGroupRange keyGroupRange,
      TypeSerializerSnapshot<?> keySerializer,
      List<State> states,
      List<FileEntry> files) {
    this.maxParallelism = maxParallelism;
    this.keyGroupRange = keyGroupRange;
    this.keySerializer = keySerializer;
    this.states = List.copyOf(states);
    this.files = List.copyOf(files);
  }

  /** Returns whether {@code name} is a valid entry name and so a safe file name. */
  static boolean isEntryName(String name) {
    return ENTRY_NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }

  byte[] toBytes() {
    DataOutputBuffer out = new DataOutputBuffer(1024);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(maxParallelism);
    out.writeInt(keyGroupRange.startKeyGroup());
    out.writeInt(keyGroupRange.endKeyGroup());
    SerializerSnapshots.write(keySerializer, out);
    out.writeVarInt(states.size());
    for (State state : states) {
      StateMetaInfo meta = state.meta();
      out.writeString(meta.name());
      out.writeByte(meta.kind().code());
      SerializerSnapshots.write(meta.valueSerializer(), out);
      if (meta.kind() == StateKind.MAP) {
        SerializerSnapshots.write(meta.userKeySerializer(), out);
      }
      out.writeLengthPrefixed(state.columnFamily(), 0, state.columnFamily().length);
    }
    out.writeVarInt(files.size());
    for (FileEntry file : files) {
      out.writeString(file.name());
      out.writeLong(file.size());
      out.writeInt(file.crc32c());
      out.writeByte(file.location().ordinal());
      if (file.location() == Location.INLINE) {
        out.writeLengthPrefixed(file.content(), 0, file.content().length);
      }
    }
    return out.toByteArray();
  }

  /**
   * Reads the meta stream of {@code input}.
   *
   * @throws SnapshotException naming the snapshot and the stream if it is missing, damaged, or of
   *     another version
   */
  static NativeSnapshotMeta read(SnapshotInput input) {
    String where = "snapshot " + input.description() + ", entry '" + STREAM_NAME + "'";
    if (!input.streamNames().contains(STREAM_NAME)) {
      throw new SnapshotException("snapshot " + input.description() + " has no entry '" + STREAM_NAME
          + "': not a complete " + FORMAT + " snapshot");
    }
    byte[] bytes;
    try (InputStream in = input.openStream(STREAM_NAME)) {
      bytes = in.readNBytes(MAX_LENGTH + 1);
      if (bytes.length > MAX_LENGTH) {
        throw new SnapshotException(where + " is damaged: longer than " + MAX_LENGTH + " bytes");
      }
    } catch (IOException e) {
      throw new SnapshotException("cannot read " + where + ": " + e.getMessage(), e);
    }
    try {
      DataInputBuffer in = new DataInputBuffer(bytes);
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new SnapshotException(where + " is damaged: not a RocksDB meta stream (magic "
            + Integer.toHexString(magic) + ")");
      }
      int version = in.readInt();
      if (version != 1 && version != VERSION) {
        throw new SnapshotException(where + " has version " + version + ", this backend reads versions 1 to " + VERSION);
      }
      int maxParallelism = in.readInt();
      int start = in.readInt();
      int end = in.readInt();
      KeyGroups.checkMaxParallelism(maxParallelism);
      KeyGroupRange range = new KeyGroupRange(start, end);
      if (end >= maxParallelism) {
        throw new SnapshotException(where + " is damaged: key-group range " + range
            + " exceeds max parallelism " + maxParallelism);
      }
      TypeSerializerSnapshot<?> keySerializer = SerializerSnapshots.read(in);
      int stateCount = in.readLength(1);
      List<State> states = new ArrayList<>(stateCount);
      for (int i = 0; i < stateCount; i++) {
        String name = in.readString();
        StateKind kind = StateKind.ofCode(in.readUnsignedByte());
        TypeSerializerSnapshot<?> value = SerializerSnapshots.read(in);
        TypeSerializerSnapshot<?> userKey = kind == StateKind.MAP ? SerializerSnapshots.read(in) : null;
        states.add(new State(new StateMetaInfo(name, kind, value, userKey), in.readLengthPrefixed()));
      }
      int fileCount = in.readLength(1);
      List<FileEntry> files = new ArrayList<>(fileCount);
      for (int i = 0; i < fileCount; i++) {
        String name = in.readString();
        if (!isEntryName(name) || name.equals(STREAM_NAME)) {
          throw new SnapshotException(where + " is damaged: bad file name '" + name + "'");
        }
        long size = in.readLong();
        int crc32c = in.readInt();
        if (version == 1) {
          files.add(FileEntry.stored(name, size, crc32c, in.readBoolean()));
          continue;
        }
        int location = in.readUnsignedByte();
        if (location >= Location.values().length) {
          throw new SnapshotException(where + " is damaged: file '" + name + "' has location " + location);
        }
        if (location == Location.INLINE.ordinal()) {
          byte[] content = in.readLengthPrefixed();
          if (content.length != size) {
            throw new SnapshotException(where + " is damaged: inline file '" + name + "' has " + content.length
                + " bytes, its entry says " + size);
          }
          files.add(new FileEntry(name, size, crc32c, Location.INLINE, content));
        } else {
          files.add(new FileEntry(name, size, crc32c, Location.values()[location], null));
        }
      }
      if (in.remaining() != 0) {
        throw new SnapshotException(where + " is damaged: " + in.remaining() + " unread bytes");
      }
      return new NativeSnapshotMeta(maxParallelism, range, keySerializer, states, files);
    } catch (SnapshotException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SnapshotException(where + " is damaged: " + e.getMessage(), e);
    }
  }
}
