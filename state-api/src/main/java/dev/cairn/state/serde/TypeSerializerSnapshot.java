package dev.cairn.state.serde;

/**
 * What a serializer wrote with: a stable identifier, a version of the snapshot's own encoding, and
 * the configuration. Stored in snapshot metadata in place of the serializer itself (never by Java
 * serialization), and read back by {@link SerializerSnapshots#read(DataInputBuffer)}.
 *
 * <p>Snapshots are values: two snapshots are {@code equals} when they describe the same format.
 *
 * <p><b>Schema evolution.</b> On restore a backend asks the stored snapshot (the old serializer)
 * whether the state's new serializer can read its data ({@link #resolveCompatibility}), and when
 * the answer is a migration, for a serializer of the old bytes ({@link #restoreSerializer}): it reads
 * every stored value with that one and keeps it as the new serializer writes it. A hand-written
 * serializer that changes its format keeps a format version in its snapshot and can read each older
 * format; here version 2 of a {@code UserState} serializer adds an {@code email}:
 *
 * <pre>{@code
 * record UserState(String name, int age, String email) {}
 *
 * final class UserStateSerializer implements TypeSerializer<UserState> {
 *   static final int CURRENT = 2; // 1: name, age; 2: name, age, email
 *   private final int format;
 *
 *   UserStateSerializer() { this(CURRENT); }
 *   private UserStateSerializer(int format) { this.format = format; }
 *
 *   public void serialize(UserState v, DataOutputBuffer out) {
 *     out.writeString(v.name());
 *     out.writeInt(v.age());
 *     if (format >= 2) out.writeString(v.email());
 *   }
 *   public UserState deserialize(DataInputBuffer in) {
 *     String name = in.readString();
 *     int age = in.readInt();
 *     return new UserState(name, age, format >= 2 ? in.readString() : "");
 *   }
 *   // isImmutable, copy, stableHash as usual
 *   public TypeSerializerSnapshot<UserState> snapshot() { return new Snapshot(format); }
 *
 *   record Snapshot(int format) implements TypeSerializerSnapshot<UserState> {
 *     static final String ID = "example.user-state"; // register a reader once:
 *     // SerializerSnapshots.register(ID, (version, in) -> new Snapshot(in.readVarInt()));
 *     public String id() { return ID; }
 *     public int version() { return 1; } // of this snapshot's encoding, not of the data format
 *     public void write(DataOutputBuffer out) { out.writeVarInt(format); }
 *
 *     public SchemaCompatibility resolveCompatibility(TypeSerializer<UserState> now) {
 *       if (!(now instanceof UserStateSerializer s) || s.format < format) {
 *         return SchemaCompatibility.incompatible("stored user-state format " + format + ", new " + now);
 *       }
 *       return s.format == format
 *           ? SchemaCompatibility.compatibleAsIs()
 *           : SchemaCompatibility.compatibleAfterMigration("user-state format " + format + " -> " + s.format);
 *     }
 *     public TypeSerializer<UserState> restoreSerializer(TypeSerializer<UserState> now) {
 *       return new UserStateSerializer(format); // reads the old format into today's UserState
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>The test-jar's {@code dev.cairn.state.kit.UserStateSerializer} is this example, and the
 * conformance kit restores its version 1 data on every backend.
 *
 * @param <T> the serialized type
 */
public interface TypeSerializerSnapshot<T> {

  /**
   * Returns the identifier of the serializer family, such as {@code "cairn.long"}; a {@link
   * SerializerSnapshots} reader is registered under it.
   */
  String id();

  /** Returns the version of this snapshot's own encoding, written before {@link #write}'s bytes. */
  int version();

  /** Writes this snapshot's configuration (nested snapshots included) to {@code out}. */
  void write(DataOutputBuffer out);

  /**
   * Decides whether data written with the serializer this snapshot describes (the old one) can be
   * read by {@code newSerializer}, directly, by a reconfigured instance of it, or after migration.
   * The default: compatible as is when {@code newSerializer}'s snapshot equals this one, otherwise
   * incompatible.
   *
   * @param newSerializer the serializer of the state's new descriptor
   * @return the verdict, with a reason naming what changed when it is not {@link
   *     SchemaCompatibility#isCompatibleAsIs()}
   */
  default SchemaCompatibility resolveCompatibility(TypeSerializer<T> newSerializer) {
    TypeSerializerSnapshot<T> now = newSerializer.snapshot();
    if (equals(now)) {
      return SchemaCompatibility.compatibleAsIs();
    }
    return SchemaCompatibility.incompatible("stored " + this + ", new " + now);
  }

  /**
   * Returns a serializer that reads the bytes the serializer this snapshot describes wrote, giving
   * values of {@code newSerializer}'s type: the reading half of a migration. Backends call it only
   * when {@link #resolveCompatibility} found {@code newSerializer} compatible, and use only its
   * {@code deserialize}. The default returns {@code newSerializer} for a verdict of compatible as
   * is and the reconfigured serializer for a reconfiguration; a snapshot that answers {@link
   * SchemaCompatibility.Kind#COMPATIBLE_AFTER_MIGRATION} must override it.
   *
   * @param newSerializer the serializer of the state's new descriptor
   * @throws UnsupportedOperationException if this snapshot cannot read its data into {@code
   *     newSerializer}'s type
   */
  @SuppressWarnings("unchecked")
  default TypeSerializer<T> restoreSerializer(TypeSerializer<T> newSerializer) {
    SchemaCompatibility verdict = resolveCompatibility(newSerializer);
    return switch (verdict.kind()) {
      case COMPATIBLE_AS_IS -> newSerializer;
      case COMPATIBLE_WITH_RECONFIGURED_SERIALIZER -> (TypeSerializer<T>) verdict.reconfiguredSerializer();
      default -> throw new UnsupportedOperationException(
          "serializer snapshot " + this + " cannot restore a serializer of its data for " + newSerializer + " ("
              + verdict.kind() + (verdict.reason().isEmpty() ? "" : ": " + verdict.reason())
              + "); a snapshot that answers " + SchemaCompatibility.Kind.COMPATIBLE_AFTER_MIGRATION
              + " overrides restoreSerializer");
    };
  }
}
