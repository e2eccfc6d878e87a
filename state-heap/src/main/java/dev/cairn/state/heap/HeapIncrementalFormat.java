package dev.cairn.state.heap;

import dev.cairn.state.SerializationException;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.SnapshotInput;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The heap backend's incremental snapshot format, {@value #FORMAT}. A snapshot lists a chain: one
 * <em>base</em> and zero or more <em>deltas</em>, all shared files, plus the private stream {@value
 * #CHAIN_STREAM} that names them in order. Integers are big-endian; {@code varint}, {@code bytes}
 * and {@code string} are as in {@link KeyedSnapshotFormat}.
 *
 * <pre>
 * chain      := CHAIN_MAGIC:int VERSION:int checkpointId:long entryCount:varint entryName:string*
 *               (entryCount &gt;= 1; the first entry is the base, the others the deltas, oldest first)
 * base       := a canonical keyed-state stream ({@link KeyedSnapshotFormat}) of every entry
 * delta      := DELTA_MAGIC:int VERSION:int tombstonesLength:int tombstones upserts
 * tombstones := (keyGroup:int stateName:string count:varint key:bytes*)* END_OF_TOMBSTONES:int
 * upserts    := a canonical keyed-state stream of the whole current state (value, whole list, every
 *               map entry) of each key changed since the previous snapshot of the chain
 * </pre>
 *
 * A delta replaces the whole state of each key it holds, and removes the state of each key it has a
 * tombstone for; every state of the snapshot is in the header of its upserts stream. Base and deltas
 * of one chain cover the same key-group range and max parallelism.
 */
final class HeapIncrementalFormat {

  /** The format id of heap incremental snapshots. */
  static final String FORMAT = "heap-incremental-v1";

  /** The private stream naming the chain. */
  static final String CHAIN_STREAM = "chain";

  /** The base's entry name in the snapshots that list it; deltas are {@code delta-<position>}. */
  static final String BASE_ENTRY = "base";

  static final int CHAIN_MAGIC = 0x43414843; // "CAHC"
  static final int DELTA_MAGIC = 0x43414844; // "CAHD"
  static final int VERSION = 1;
  static final int END_OF_TOMBSTONES = -1;
  static final int MAX_TOMBSTONES_LENGTH = Integer.MAX_VALUE - 16;

  private static final Pattern ENTRY_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private HeapIncrementalFormat() {}

  /** Returns the entry name of the delta at {@code position} (1 for the first after the base). */
  static String deltaEntry(int position) {
    return "delta-" + position;
  }

  /** Writes the chain stream: {@code entries} is the base's name followed by the deltas' names. */
  static void writeChain(OutputStream out, long checkpointId, List<String> entries) throws IOException {
    DataOutputBuffer buffer = new DataOutputBuffer(64 + 16 * entries.size());
    buffer.writeInt(CHAIN_MAGIC);
    buffer.writeInt(VERSION);
    buffer.writeLong(checkpointId);
    buffer.writeVarInt(entries.size());
    for (String entry : entries) {
      buffer.writeString(entry);
    }
    out.write(buffer.array(), 0, buffer.length());
  }

  /**
   * Reads and checks the chain stream of {@code input}.
   *
   * @return the base's entry name followed by the deltas' entry names, oldest first
   * @throws SnapshotException naming the input and the stream if it is missing or damaged
   */
  static List<String> readChain(SnapshotInput input) {
    String description = input.description();
    if (!input.streamNames().contains(CHAIN_STREAM)) {
      throw new SnapshotException("snapshot " + description + " has no '" + CHAIN_STREAM + "' stream");
    }
    String where = describe(input, CHAIN_STREAM);
    byte[] bytes;
    try (InputStream in = input.openStream(CHAIN_STREAM)) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new SnapshotException("cannot read " + where + ": " + e.getMessage(), e);
    }
    try {
      DataInputBuffer in = new DataInputBuffer(bytes);
      int magic = in.readInt();
      if (magic != CHAIN_MAGIC) {
        throw damaged(where, "not a heap incremental chain (magic " + Integer.toHexString(magic) + ")");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw damaged(where, "unsupported heap incremental chain version " + version);
      }
      in.readLong(); // the checkpoint id, for people reading the stream
      int count = in.readLength(1);
      if (count < 1) {
        throw damaged(where, "no base");
      }
      List<String> entries = new ArrayList<>(count);
      Set<String> distinct = new HashSet<>();
      for (int i = 0; i < count; i++) {
        String entry = in.readString();
        if (!ENTRY_NAME.matcher(entry).matches() || entry.equals(CHAIN_STREAM) || !distinct.add(entry)) {
          throw damaged(where, "bad entry name '" + entry + "'");
        }
        if (!input.streamNames().contains(entry)) {
          throw new SnapshotException("snapshot " + description + " has no entry '" + entry + "' named by its chain");
        }
        entries.add(entry);
      }
      if (in.remaining() != 0) {
        throw damaged(where, in.remaining() + " trailing bytes");
      }
      return entries;
    } catch (SerializationException e) {
      throw damaged(where, e.getMessage());
    }
  }

  /** Writes a delta's header and tombstones; the upserts stream follows. */
  static void writeDeltaHeader(OutputStream out, DataOutputBuffer tombstones) throws IOException {
    DataOutputBuffer header = new DataOutputBuffer(16);
    header.writeInt(DELTA_MAGIC);
    header.writeInt(VERSION);
    header.writeInt(tombstones.length() + 4);
    out.write(header.array(), 0, header.length());
    out.write(tombstones.array(), 0, tombstones.length());
    header.reset();
    header.writeInt(END_OF_TOMBSTONES);
    out.write(header.array(), 0, header.length());
  }

  /**
   * Reads a delta's header and returns its tombstones section, leaving {@code in} at the upserts
   * stream (nothing more is read from it).
   */
  static byte[] readDeltaHeader(InputStream in, String where) throws IOException {
    byte[] header = in.readNBytes(12);
    if (header.length != 12) {
      throw damaged(where, "truncated");
    }
    DataInputBuffer buffer = new DataInputBuffer(header);
    int magic = buffer.readInt();
    if (magic != DELTA_MAGIC) {
      throw damaged(where, "not a heap incremental delta (magic " + Integer.toHexString(magic) + ")");
    }
    int version = buffer.readInt();
    if (version != VERSION) {
      throw damaged(where, "unsupported heap incremental delta version " + version);
    }
    int length = buffer.readInt();
    if (length < 4 || length > MAX_TOMBSTONES_LENGTH) {
      throw damaged(where, "bad tombstones length " + length);
    }
    byte[] tombstones = in.readNBytes(length); // grows in chunks: a corrupt length cannot force a huge allocation
    if (tombstones.length != length) {
      throw new EOFException();
    }
    return tombstones;
  }

  /** Names an entry of an input in error messages. */
  static String describe(SnapshotInput input, String entry) {
    return "snapshot " + input.description() + " entry '" + entry + "'";
  }

  static SnapshotException damaged(String where, String what) {
    return new SnapshotException("damaged " + where + ": " + what);
  }
}
