package dev.cairn.checkpoint.internal;

import dev.cairn.state.SerializationException;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.SerializerSnapshots;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Operator-state files ({@code task-<i>.operator-state}): framing constants, and the payload codec
 * for offline tools (the coordinator's {@code OperatorStateStore} writes and reads the same payload):
 * {@code count:varint (name:string mode:byte serializerSnapshot n:varint element:bytes*)*}.
 */
public final class OperatorStateFormat {

  /** The magic, "COPS". */
  public static final int MAGIC = 0x434F5053;
  /** The format version this build writes and reads. */
  public static final int VERSION = 1;
  /** The mode code of lists split evenly over the participants on restore. */
  public static final int SPLIT = 1;
  /** The mode code of lists given whole to every participant on restore. */
  public static final int UNION = 2;

  /**
   * One stored operator list.
   *
   * @param name its name
   * @param mode {@link #SPLIT} or {@link #UNION}
   * @param serializer its element serializer's snapshot
   * @param elements the serialized elements
   */
  public record StoredList(String name, int mode, TypeSerializerSnapshot<?> serializer, List<byte[]> elements) {
    public StoredList {
      if (mode != SPLIT && mode != UNION) {
        throw new SerializationException("unknown operator state mode " + mode);
      }
      elements = List.copyOf(elements);
    }
  }

  private OperatorStateFormat() {}

  /** Decodes a payload, lists in stored order. */
  public static List<StoredList> decode(byte[] bytes) {
    DataInputBuffer in = new DataInputBuffer(bytes);
    int count = in.readLength(1);
    List<StoredList> result = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String name = in.readString();
      int mode = in.readUnsignedByte();
      TypeSerializerSnapshot<?> serializer = SerializerSnapshots.read(in);
      int size = in.readLength(1);
      List<byte[]> elements = new ArrayList<>(size);
      for (int j = 0; j < size; j++) {
        elements.add(in.readLengthPrefixed());
      }
      result.add(new StoredList(name, mode, serializer, elements));
    }
    if (in.remaining() != 0) {
      throw new SerializationException(in.remaining() + " bytes after the operator state");
    }
    return result;
  }

  /** Encodes {@code lists} as a payload. */
  public static byte[] encode(List<StoredList> lists) {
    DataOutputBuffer out = new DataOutputBuffer(256);
    out.writeVarInt(lists.size());
    for (StoredList list : lists) {
      out.writeString(list.name());
      out.writeByte(list.mode());
      SerializerSnapshots.write(list.serializer(), out);
      out.writeVarInt(list.elements().size());
      for (byte[] element : list.elements()) {
        out.writeLengthPrefixed(element, 0, element.length);
      }
    }
    return out.toByteArray();
  }
}
