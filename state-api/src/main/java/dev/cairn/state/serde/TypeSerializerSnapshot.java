package dev.cairn.state.serde;

/**
 * What a serializer wrote with: a stable identifier, a version of the snapshot's own format, and the
 * configuration. Stored in snapshot metadata in place of the serializer itself (never by Java
 * serialization), and read back by {@link SerializerSnapshots#read(DataInputBuffer)}.
 *
 * <p>Snapshots are values: two snapshots are {@code equals} when they describe the same format.
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
   * read by {@code newSerializer}.
   *
   * @param newSerializer the serializer of the state's new descriptor
   * @return the verdict, with a reason when it is not {@link SchemaCompatibility#isCompatibleAsIs()}
   */
  default SchemaCompatibility resolveCompatibility(TypeSerializer<T> newSerializer) {
    TypeSerializerSnapshot<T> now = newSerializer.snapshot();
    if (equals(now)) {
      return SchemaCompatibility.compatibleAsIs();
    }
    return SchemaCompatibility.incompatible("stored " + this + ", new " + now);
  }
}
