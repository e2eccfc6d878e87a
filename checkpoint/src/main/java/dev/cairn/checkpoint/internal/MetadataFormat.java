package dev.cairn.checkpoint.internal;

import dev.cairn.checkpoint.storage.CorruptFileException;
import dev.cairn.state.SerializationException;
import dev.cairn.state.StateKind;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.SerializerSnapshots;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.StateMetaInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The payload of {@code _metadata}, framed like every file (magic {@code CMET}, CRC32C). This build
 * writes version 2 and reads versions 1 and 2.
 *
 * <pre>
 * v2 := jobIdMsb:long jobIdLsb:long checkpointId:long timestampMillis:long flags:byte(1 = savepoint)
 *       participantCount:varint participant* sectionCount:varint section*
 * participant := maxParallelism:int startKeyGroup:int endKeyGroup:int format:string
 *                entryCount:varint (entryName:string file)*
 *                stateCount:varint (name:string kind:byte valueSerializerSnapshot [userKeySerializerSnapshot])*
 *                operatorStateFile:file
 * file        := shared:boolean path:string size:long crc32c:int
 * section     := tag:varint required:boolean length:varint bytes   (room for later versions)
 *
 * v1 := checkpointId:long timestampMillis:long savepoint:boolean participantCount:varint participant1*
 * participant1 := maxParallelism:int startKeyGroup:int endKeyGroup:int
 *                 streamCount:varint (streamName:string file1)* stateCount:varint state* operatorStateFile:file1
 * file1       := name:string size:long crc32c:int          (private; the format is canonical)
 * </pre>
 *
 * A later version adds what it needs as sections: a reader skips a section it does not know unless
 * it is marked required, and then fails with a clear error instead of misreading the checkpoint.
 */
public final class MetadataFormat {

  /** The metadata file's magic, "CMET". */
  public static final int MAGIC = 0x434D4554;
  /** The metadata format version this build writes. */
  public static final int VERSION = 2;
  /** The largest metadata payload read: a damaged or hostile length cannot exhaust memory. */
  public static final int MAX_PAYLOAD_BYTES = 64 << 20;

  private MetadataFormat() {}

  /** Encodes {@code metadata} in version 2. */
  public static byte[] encode(CheckpointMetadata metadata) {
    DataOutputBuffer out = new DataOutputBuffer(1024);
    UUID jobId = metadata.jobId();
    out.writeLong(jobId.getMostSignificantBits());
    out.writeLong(jobId.getLeastSignificantBits());
    out.writeLong(metadata.checkpointId());
    out.writeLong(metadata.timestampMillis());
    out.writeByte(metadata.savepoint() ? 1 : 0);
    out.writeVarInt(metadata.participants().size());
    for (CheckpointMetadata.Participant p : metadata.participants()) {
      out.writeInt(p.maxParallelism());
      out.writeInt(p.keyGroupRange().startKeyGroup());
      out.writeInt(p.keyGroupRange().endKeyGroup());
      out.writeString(p.format());
      out.writeVarInt(p.entries().size());
      for (CheckpointMetadata.Entry entry : p.entries()) {
        out.writeString(entry.name());
        writeFile(out, entry.file());
      }
      writeStates(out, p.states());
      writeFile(out, p.operatorState());
    }
    out.writeVarInt(0); // no sections yet
    return out.toByteArray();
  }

  /** Encodes {@code metadata} as a whole {@code _metadata} file: framed, version 2. */
  public static byte[] encodeFile(CheckpointMetadata metadata) {
    return CheckpointFiles.frame(MAGIC, VERSION, encode(metadata));
  }

  /**
   * Decodes metadata of format {@code version} read from {@code file}.
   *
   * @throws CorruptFileException naming the file if the content does not parse, or needs a newer
   *     reader
   */
  public static CheckpointMetadata decode(byte[] bytes, int version, String file) {
    try {
      DataInputBuffer in = new DataInputBuffer(bytes);
      CheckpointMetadata metadata = switch (version) {
        case 1 -> decodeV1(in);
        case 2 -> decodeV2(in, file);
        default -> throw new CorruptFileException(file, "metadata format version " + version + ", this build reads 1 and 2");
      };
      if (in.remaining() != 0) {
        throw new CorruptFileException(file, in.remaining() + " bytes after the metadata");
      }
      return metadata;
    } catch (SerializationException | IllegalArgumentException e) {
      throw new CorruptFileException(file, "unreadable metadata: " + e.getMessage(), e);
    }
  }

  private static CheckpointMetadata decodeV2(DataInputBuffer in, String file) {
    UUID jobId = new UUID(in.readLong(), in.readLong());
    long id = in.readLong();
    long timestamp = in.readLong();
    int flags = in.readUnsignedByte();
    if ((flags & ~1) != 0) {
      throw new IllegalArgumentException("unknown flags " + flags);
    }
    int participantCount = in.readLength(1);
    List<CheckpointMetadata.Participant> participants = new ArrayList<>(participantCount);
    for (int i = 0; i < participantCount; i++) {
      int maxParallelism = in.readInt();
      KeyGroupRange range = new KeyGroupRange(in.readInt(), in.readInt());
      String format = in.readString();
      int entryCount = in.readLength(1);
      List<CheckpointMetadata.Entry> entries = new ArrayList<>(entryCount);
      for (int e = 0; e < entryCount; e++) {
        entries.add(new CheckpointMetadata.Entry(in.readString(), readFile(in)));
      }
      List<StateMetaInfo> states = readStates(in);
      participants.add(new CheckpointMetadata.Participant(maxParallelism, range, format, entries, states, readFile(in)));
    }
    int sectionCount = in.readLength(1);
    for (int s = 0; s < sectionCount; s++) {
      int tag = in.readVarInt();
      boolean required = in.readBoolean();
      int length = in.readLength(1);
      if (required) {
        throw new CorruptFileException(file, "metadata section " + tag + " is required but unknown to this build:"
            + " the checkpoint was written by a newer Cairn; restore it with that version");
      }
      in.skip(length);
    }
    return new CheckpointMetadata(jobId, id, timestamp, (flags & 1) != 0, participants);
  }

  private static CheckpointMetadata decodeV1(DataInputBuffer in) {
    long id = in.readLong();
    long timestamp = in.readLong();
    boolean savepoint = in.readBoolean();
    int participantCount = in.readLength(1);
    List<CheckpointMetadata.Participant> participants = new ArrayList<>(participantCount);
    for (int i = 0; i < participantCount; i++) {
      int maxParallelism = in.readInt();
      KeyGroupRange range = new KeyGroupRange(in.readInt(), in.readInt());
      int streamCount = in.readLength(1);
      List<CheckpointMetadata.Entry> entries = new ArrayList<>(streamCount);
      for (int s = 0; s < streamCount; s++) {
        entries.add(new CheckpointMetadata.Entry(in.readString(), readFileV1(in)));
      }
      List<StateMetaInfo> states = readStates(in);
      participants.add(new CheckpointMetadata.Participant(
          maxParallelism, range, KeyedSnapshotFormat.FORMAT, entries, states, readFileV1(in)));
    }
    return new CheckpointMetadata(null, id, timestamp, savepoint, participants);
  }

  private static void writeStates(DataOutputBuffer out, List<StateMetaInfo> states) {
    out.writeVarInt(states.size());
    for (StateMetaInfo state : states) {
      out.writeString(state.name());
      out.writeByte(state.kind().code());
      SerializerSnapshots.write(state.valueSerializer(), out);
      if (state.kind() == StateKind.MAP) {
        SerializerSnapshots.write(state.userKeySerializer(), out);
      }
    }
  }

  private static List<StateMetaInfo> readStates(DataInputBuffer in) {
    int stateCount = in.readLength(1);
    List<StateMetaInfo> states = new ArrayList<>(stateCount);
    for (int s = 0; s < stateCount; s++) {
      String name = in.readString();
      StateKind kind = StateKind.ofCode(in.readUnsignedByte());
      TypeSerializerSnapshot<?> value = SerializerSnapshots.read(in);
      TypeSerializerSnapshot<?> userKey = kind == StateKind.MAP ? SerializerSnapshots.read(in) : null;
      states.add(new StateMetaInfo(name, kind, value, userKey));
    }
    return states;
  }

  private static void writeFile(DataOutputBuffer out, StoredFile file) {
    out.writeBoolean(file.shared());
    out.writeString(file.path());
    out.writeLong(file.size());
    out.writeInt(file.crc32c());
  }

  private static StoredFile readFile(DataInputBuffer in) {
    boolean shared = in.readBoolean();
    return new StoredFile(in.readString(), shared, in.readLong(), in.readInt());
  }

  private static StoredFile readFileV1(DataInputBuffer in) {
    return new StoredFile(in.readString(), false, in.readLong(), in.readInt());
  }
}
