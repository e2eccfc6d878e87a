package dev.cairn.state.spi;

/**
 * The canonical keyed-state snapshot format, written by {@link KeyedSnapshotWriter} and read by
 * {@link KeyedSnapshotReader}. Every backend writes and reads it, so a snapshot moves between
 * backends. Integers are big-endian; {@code varint} is unsigned LEB128; {@code bytes} is a varint
 * length then the bytes.
 *
 * <pre>
 * stream    := MAGIC:int VERSION:int headerLength:int header section* END_OF_SECTIONS:int
 *              entryCount:long
 * header    := maxParallelism:int startKeyGroup:int endKeyGroup:int keySerializerSnapshot
 *              stateCount:varint stateMeta*
 * stateMeta := name:string kind:byte valueSerializerSnapshot [userKeySerializerSnapshot, map only]
 * section   := keyGroup:int stateIndex:varint (ENTRY:byte entry)* END_OF_SECTION:byte
 * entry     := key:bytes payload
 * payload   := value:bytes                                  (value, reducing, aggregating)
 *            | count:varint element:bytes*                  (list; count >= 1)
 *            | userKey:bytes (0:byte | 1:byte value:bytes)   (map, one entry per map entry)
 * </pre>
 *
 * Serializer snapshots are written by {@link dev.cairn.state.serde.SerializerSnapshots#write}. The
 * key and values are the bytes of the state's serializers. The stream has no checksum of its own:
 * the checkpoint storage frames every file with a magic, a version and a CRC32C.
 */
public final class KeyedSnapshotFormat {

  /** The format id of canonical snapshots ({@link SnapshotResult#format()}). */
  public static final String FORMAT = "canonical";

  /** The canonical keyed-state stream's name. */
  public static final String STREAM_NAME = "keyed-state";

  static final int MAGIC = 0x43414B53; // "CAKS"
  static final int VERSION = 1;
  static final int END_OF_SECTIONS = -1;
  static final int MAX_HEADER_LENGTH = 64 * 1024 * 1024;
  static final byte ENTRY = 1;
  static final byte END_OF_SECTION = 0;

  private KeyedSnapshotFormat() {}
}
