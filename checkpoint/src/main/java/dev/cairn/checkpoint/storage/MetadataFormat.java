package dev.cairn.checkpoint.storage;

import dev.cairn.state.SerializationException;
import dev.cairn.state.StateKind;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.SerializerSnapshots;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.StateMetaInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of {@code _metadata} (framed like every file: magic {@code CMET}, version 1, CRC32C):
 *
 * <pre>
 * checkpointId:long timestampMillis:long savepoint:boolean participantCount:varint participant*
 * participant := maxParallelism:int startKeyGroup:int endKeyGroup:int
 *                streamCount:varint (streamName:string file)*
 *                stateCount:varint (name:string kind:byte valueSerializerSnapshot [userKeySerializerSnapshot])*
 *                operatorStateFile:file
 * file        := name:string size:long crc32c:int
 * </pre>
 */
public final class MetadataFormat {

  /** The metadata file's magic, "CMET". */
  public static final int MAGIC = 0x434D4554;
  /** The metadata format version this build writes and reads. */
  public static final int VERSION = 1;

  private MetadataFormat() {}

  /** Encodes {@code metadata}. */
  public static byte[] encode(CheckpointMetadata metadata) {
    DataOutputBuffer out = new DataOutputBuffer(1024);
    out.writeLong(metadata.checkpointId());
    out.writeLong(metadata.timestampMillis());
    out.writeBoolean(metadata.savepoint());
    out.writeVarInt(metadata.participants().size());
    for (CheckpointMetadata.Participant p : metadata.participants()) {
      out.writeInt(p.maxParallelism());
      out.writeInt(p.keyGroupRange().startKeyGroup());
      out.writeInt(p.keyGroupRange().endKeyGroup());
      out.writeVarInt(p.keyedStreams().size());
      for (CheckpointMetadata.StreamFile stream : p.keyedStreams()) {
        out.writeString(stream.streamName());
        writeFile(out, stream.file());
      }
      out.writeVarInt(p.states().size());
      for (StateMetaInfo state : p.states()) {
        out.writeString(state.name());
        out.writeByte(state.kind().code());
        SerializerSnapshots.write(state.valueSerializer(), out);
        if (state.kind() == StateKind.MAP) {
          SerializerSnapshots.write(state.userKeySerializer(), out);
        }
      }
      writeFile(out, p.operatorState());
    }
    return out.toByteArray();
  }

  /**
   * Decodes metadata read from {@code file}.
   *
   * @throws CorruptFileException naming the file if the content does not parse
   */
  public static CheckpointMetadata decode(byte[] bytes, Path file) {
    try {
      DataInputBuffer in = new DataInputBuffer(bytes);
      long id = in.readLong();
      long timestamp = in.readLong();
      boolean savepoint = in.readBoolean();
      int participantCount = in.readLength(1);
      List<CheckpointMetadata.Participant> participants = new ArrayList<>(participantCount);
      for (int i = 0; i < participantCount; i++) {
        int maxParallelism = in.readInt();
        KeyGroupRange range = new KeyGroupRange(in.readInt(), in.readInt());
        int streamCount = in.readLength(1);
        List<CheckpointMetadata.StreamFile> streams = new ArrayList<>(streamCount);
        for (int s = 0; s < streamCount; s++) {
          streams.add(new CheckpointMetadata.StreamFile(in.readString(), readFile(in)));
        }
        int stateCount = in.readLength(1);
        List<StateMetaInfo> states = new ArrayList<>(stateCount);
        for (int s = 0; s < stateCount; s++) {
          String name = in.readString();
          StateKind kind = StateKind.ofCode(in.readUnsignedByte());
          TypeSerializerSnapshot<?> value = SerializerSnapshots.read(in);
          TypeSerializerSnapshot<?> userKey = kind == StateKind.MAP ? SerializerSnapshots.read(in) : null;
          states.add(new StateMetaInfo(name, kind, value, userKey));
        }
        participants.add(new CheckpointMetadata.Participant(maxParallelism, range, streams, states, readFile(in)));
      }
      if (in.remaining() != 0) {
        throw new CorruptFileException(file, in.remaining() + " bytes after the metadata");
      }
      return new CheckpointMetadata(id, timestamp, savepoint, participants);
    } catch (SerializationException | IllegalArgumentException e) {
      throw new CorruptFileException(file, "unreadable metadata: " + e.getMessage());
    }
  }

  private static void writeFile(DataOutputBuffer out, StoredFile file) {
    out.writeString(file.name());
    out.writeLong(file.size());
    out.writeInt(file.crc32c());
  }

  private static StoredFile readFile(DataInputBuffer in) {
    String name = in.readString();
    if (!CheckpointLayout.isValidDataFileName(name)) {
      throw new IllegalArgumentException("invalid file name in metadata: " + name);
    }
    return new StoredFile(name, in.readLong(), in.readInt());
  }
}
