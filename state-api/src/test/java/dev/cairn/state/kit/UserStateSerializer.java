package dev.cairn.state.kit;

import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.SchemaCompatibility;
import dev.cairn.state.serde.SerializerSnapshots;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.serde.TypeSerializerSnapshot;

/**
 * The hand-written versioned serializer of {@link TypeSerializerSnapshot}'s javadoc and the
 * state-api README: format 1 stores a {@link UserState}'s name and age, format 2 adds the email.
 * Its snapshot keeps the format, and restores a serializer that reads format 1 into today's {@code
 * UserState} (email empty).
 */
public final class UserStateSerializer implements TypeSerializer<UserState> {

  /** The format this version of the serializer writes. */
  public static final int CURRENT = 2;

  static {
    SerializerSnapshots.register(Snapshot.ID, (version, in) -> new Snapshot(in.readVarInt()));
  }

  private final int format;

  /** The serializer of the current format. */
  public UserStateSerializer() {
    this(CURRENT);
  }

  /** The serializer of {@code format}: what an earlier version of the application used. */
  public UserStateSerializer(int format) {
    this.format = format;
  }

  @Override
  public void serialize(UserState value, DataOutputBuffer out) {
    out.writeString(value.name());
    out.writeInt(value.age());
    if (format >= 2) {
      out.writeString(value.email());
    }
  }

  @Override
  public UserState deserialize(DataInputBuffer in) {
    String name = in.readString();
    int age = in.readInt();
    return new UserState(name, age, format >= 2 ? in.readString() : "");
  }

  @Override
  public boolean isImmutable() {
    return true;
  }

  @Override
  public UserState copy(UserState value) {
    return value;
  }

  @Override
  public int stableHash(UserState value) {
    return value.name().hashCode();
  }

  @Override
  public TypeSerializerSnapshot<UserState> snapshot() {
    return new Snapshot(format);
  }

  @Override
  public String toString() {
    return "user-state(format " + format + ")";
  }

  /**
   * The snapshot: the format the data was written in.
   *
   * @param format the data format
   */
  public record Snapshot(int format) implements TypeSerializerSnapshot<UserState> {
    static final String ID = "example.user-state";

    @Override
    public String id() {
      return ID;
    }

    @Override
    public int version() {
      return 1; // of this snapshot's encoding, not of the data format
    }

    @Override
    public void write(DataOutputBuffer out) {
      out.writeVarInt(format);
    }

    @Override
    public SchemaCompatibility resolveCompatibility(TypeSerializer<UserState> now) {
      if (!(now instanceof UserStateSerializer s) || s.format < format) {
        return SchemaCompatibility.incompatible("stored user-state format " + format + ", new " + now);
      }
      return s.format == format
          ? SchemaCompatibility.compatibleAsIs()
          : SchemaCompatibility.compatibleAfterMigration("user-state format " + format + " -> " + s.format);
    }

    @Override
    public TypeSerializer<UserState> restoreSerializer(TypeSerializer<UserState> now) {
      return new UserStateSerializer(format); // reads the old format into today's UserState
    }

    @Override
    public String toString() {
      return "user-state(format " + format + ")";
    }
  }
}
