package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Enum constants as their position in a var-int: the ordinal, or for a serializer reconfigured to an
 * older order of the constants ({@link Snapshot#resolveCompatibility}), the position in that order.
 * The snapshot stores the constant names in that order, so a change is detected on restore: added
 * constants read old data as is, reordered ones with a reconfigured serializer, removed or renamed
 * ones are incompatible. The stable hash is the hash of the constant's name: an enum's own {@code
 * hashCode()} is an identity hash.
 */
final class EnumSerializer<E extends Enum<E>> implements TypeSerializer<E> {

  static final String ID = "cairn.enum";

  private final Class<E> type;
  /** The constants in stored order: the declaration order unless reconfigured. */
  private final E[] constants;
  /** Per ordinal, the stored position. */
  private final int[] positions;
  private final Snapshot<E> snapshot;

  EnumSerializer(Class<E> type) {
    this(type, null);
  }

  /** Creates the serializer storing the constants named in {@code order} first, then the others. */
  private EnumSerializer(Class<E> type, List<String> order) {
    if (type == null) {
      throw new NullPointerException("enum class must not be null");
    }
    E[] values = type.getEnumConstants();
    if (values == null) {
      throw new IllegalArgumentException(type.getName() + " is not an enum class");
    }
    this.type = type;
    List<E> stored = new ArrayList<>(values.length);
    if (order != null) {
      for (String name : order) {
        stored.add(Enum.valueOf(type, name));
      }
    }
    for (E e : values) {
      if (!stored.contains(e)) {
        stored.add(e);
      }
    }
    this.constants = stored.toArray(values.clone());
    this.positions = new int[values.length];
    List<String> names = new ArrayList<>(values.length);
    for (int i = 0; i < constants.length; i++) {
      positions[constants[i].ordinal()] = i;
      names.add(constants[i].name());
    }
    this.snapshot = new Snapshot<>(type.getName(), List.copyOf(names));
  }

  @Override
  public void serialize(E value, DataOutputBuffer out) {
    out.writeVarInt(positions[value.ordinal()]);
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
   * The snapshot of an enum serializer. Data is readable as is by an enum whose constants start with
   * these names in this order; by a reconfigured serializer (storing this order) when the names are
   * all still there in another order; otherwise not at all. The class name is informative (a moved
   * or renamed enum class with the same constants still reads the data).
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
    @SuppressWarnings({"unchecked", "rawtypes"})
    public SchemaCompatibility resolveCompatibility(TypeSerializer<E> newSerializer) {
      if (!(newSerializer instanceof EnumSerializer e)) {
        return SnapshotCodec.otherFamily(this, newSerializer);
      }
      List<String> now = ((EnumSerializer<?>) e).snapshot.constants;
      if (now.size() >= constants.size() && now.subList(0, constants.size()).equals(constants)) {
        return SchemaCompatibility.compatibleAsIs();
      }
      List<String> removed = constants.stream().filter(name -> !now.contains(name)).toList();
      if (!removed.isEmpty()) {
        return SchemaCompatibility.incompatible(
            "the constants of enum " + enumClass + " changed from " + constants + " to " + now + ": " + removed
                + " removed or renamed (stored data may hold them)");
      }
      return SchemaCompatibility.compatibleWithReconfiguredSerializer(
          "the constants of enum " + enumClass + " were reordered from " + constants + " to " + now,
          new EnumSerializer(e.type, constants));
    }

    @Override
    public String toString() {
      return "enum(" + enumClass + " " + constants + ")";
    }
  }
}
