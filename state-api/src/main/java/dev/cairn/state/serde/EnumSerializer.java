package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Enum constants as their ordinal in a var-int. The snapshot stores the constant names in order, so
 * a reordered, renamed, added or removed constant is detected on restore. The stable hash is the
 * hash of the constant's name: an enum's own {@code hashCode()} is an identity hash.
 */
final class EnumSerializer<E extends Enum<E>> implements TypeSerializer<E> {

  static final String ID = "cairn.enum";

  private final Class<E> type;
  private final E[] constants;
  private final Snapshot<E> snapshot;

  EnumSerializer(Class<E> type) {
    if (type == null) {
      throw new NullPointerException("enum class must not be null");
    }
    E[] values = type.getEnumConstants();
    if (values == null) {
      throw new IllegalArgumentException(type.getName() + " is not an enum class");
    }
    this.type = type;
    this.constants = values;
    List<String> names = new ArrayList<>(values.length);
    for (E e : values) {
      names.add(e.name());
    }
    this.snapshot = new Snapshot<>(type.getName(), List.copyOf(names));
  }

  @Override
  public void serialize(E value, DataOutputBuffer out) {
    out.writeVarInt(value.ordinal());
  }

  @Override
  public E deserialize(DataInputBuffer in) {
    int ordinal = in.readVarInt();
    if (ordinal >= constants.length) {
      throw new SerializationException(
          this + ": corrupt data: ordinal " + ordinal + " but the enum has " + constants.length + " constants");
    }
    return constants[ordinal];
  }

  @Override
  public boolean isImmutable() {
    return true;
  }

  @Override
  public E copy(E value) {
    return value;
  }

  @Override
  public int stableHash(E value) {
    return value.name().hashCode();
  }

  @Override
  public TypeSerializerSnapshot<E> snapshot() {
    return snapshot;
  }

  @Override
  public String toString() {
    return "enum(" + type.getName() + ")";
  }

  static void registerReader() {
    SerializerSnapshots.register(ID, (version, in) -> {
      SnapshotCodec.requireVersion(ID, version, 1);
      return new Snapshot<>(in.readString(), SnapshotCodec.readNames(in));
    });
  }

  /**
   * The snapshot of an enum serializer. Data is readable as is only by an enum with exactly these
   * constant names in this order; the class name is informative (a moved or renamed enum class with
   * the same constants still reads the data).
   *
   * @param enumClass the enum's class name
   * @param constants the constant names in ordinal order
   */
  record Snapshot<E>(String enumClass, List<String> constants) implements TypeSerializerSnapshot<E> {

    Snapshot {
      constants = List.copyOf(constants);
    }

    @Override
    public String id() {
      return ID;
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public void write(DataOutputBuffer out) {
      out.writeString(enumClass);
      SnapshotCodec.writeNames(constants, out);
    }

    @Override
    public SchemaCompatibility resolveCompatibility(TypeSerializer<E> newSerializer) {
      if (!(newSerializer instanceof EnumSerializer<?> e)) {
        return SnapshotCodec.otherFamily(this, newSerializer);
      }
      List<String> now = e.snapshot.constants;
      if (!now.equals(constants)) {
        return SchemaCompatibility.incompatible(
            "the constants of enum " + enumClass + " changed from " + constants + " to " + now
                + " (ordinals are stored, so every constant must keep its name and position)");
      }
      return SchemaCompatibility.compatibleAsIs();
    }

    @Override
    public String toString() {
      return "enum(" + enumClass + " " + constants + ")";
    }
  }
}
