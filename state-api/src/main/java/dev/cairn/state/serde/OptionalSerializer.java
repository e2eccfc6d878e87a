package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;
import java.util.Optional;

/**
 * {@code Optional} values as a presence byte (0 empty, 1 present) and the value when present. The
 * stable hash is 0 for empty, the value's stable hash otherwise. Data written by the value's own
 * serializer migrates to an optional of it (each value becomes present).
 */
final class OptionalSerializer<T> implements TypeSerializer<Optional<T>> {

  static final String ID = "cairn.optional";

  private final TypeSerializer<T> value;

  OptionalSerializer(TypeSerializer<T> value) {
    if (value == null) {
      throw new NullPointerException("value serializer must not be null");
    }
    this.value = value;
  }

  /** Returns the serializer of the present values. */
  TypeSerializer<T> value() {
    return value;
  }

  @Override
  public void serialize(Optional<T> optional, DataOutputBuffer out) {
    if (optional.isEmpty()) {
      out.writeByte(0);
    } else {
      out.writeByte(1);
      value.serialize(optional.get(), out);
    }
  }

  @Override
  public Optional<T> deserialize(DataInputBuffer in) {
    int present = in.readUnsignedByte();
    if (present > 1) {
      throw new SerializationException(
          this + ": corrupt data: presence byte " + present + " at position " + (in.position() - 1));
    }
    return present == 0 ? Optional.empty() : Optional.of(value.deserialize(in));
  }

  @Override
  public boolean isImmutable() {
    return value.isImmutable();
  }

  @Override
  public Optional<T> copy(Optional<T> optional) {
    return value.isImmutable() || optional.isEmpty() ? optional : Optional.of(value.copy(optional.get()));
  }

  @Override
  public int stableHash(Optional<T> optional) {
    return optional.isEmpty() ? 0 : value.stableHash(optional.get());
  }

  @Override
  public TypeSerializerSnapshot<Optional<T>> snapshot() {
    return new Snapshot<>(value.snapshot());
  }

  @Override
  public String toString() {
    return "optional(" + value + ")";
  }

  static void registerReader() {
    SerializerSnapshots.register(ID, (version, in) -> {
      SnapshotCodec.requireVersion(ID, version, 1);
      return new Snapshot<>(SerializerSnapshots.read(in));
    });
  }

  /**
   * The snapshot of an optional serializer: its value serializer's snapshot.
   *
   * @param value the value serializer's snapshot
   */
  record Snapshot<T>(TypeSerializerSnapshot<T> value) implements TypeSerializerSnapshot<Optional<T>> {

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
      SerializerSnapshots.write(value, out);
    }

    @Override
    public SchemaCompatibility resolveCompatibility(TypeSerializer<Optional<T>> newSerializer) {
      if (equals(newSerializer.snapshot())) {
        return SchemaCompatibility.compatibleAsIs(); // whatever the serializer's class: the same format
      }
      if (newSerializer instanceof OptionalSerializer<?> optional) {
        return SnapshotCodec.nested("optional value", value, optional.value);
      }
      return SnapshotCodec.otherFamily(this, newSerializer);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TypeSerializer<Optional<T>> restoreSerializer(TypeSerializer<Optional<T>> newSerializer) {
      if (!(newSerializer instanceof OptionalSerializer optional)) {
        return TypeSerializerSnapshot.super.restoreSerializer(newSerializer);
      }
      return new OptionalSerializer<>(SnapshotCodec.reader(value, optional.value));
    }

    @Override
    public String toString() {
      return "optional(" + value + ")";
    }
  }

  /**
   * Resolves a value written by {@code old}'s serializer against an optional of a compatible
   * serializer: a migration that makes every value present; null if {@code now} is not an optional.
   */
  static SchemaCompatibility toOptional(TypeSerializerSnapshot<?> old, TypeSerializer<?> now) {
    if (!(now instanceof OptionalSerializer<?> optional) || old instanceof Snapshot<?>) {
      return null;
    }
    SchemaCompatibility inner = SnapshotCodec.nested("optional value", old, optional.value);
    return inner.isIncompatible()
        ? inner
        : SchemaCompatibility.compatibleAfterMigration("wrapped " + old + " in an optional");
  }

  /** The restore serializer for a {@link #toOptional} migration. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <T> TypeSerializer<Optional<T>> wrapping(TypeSerializerSnapshot<?> old, OptionalSerializer<T> now) {
    TypeSerializer<T> reader = SnapshotCodec.reader((TypeSerializerSnapshot) old, now.value);
    return new RestoreSerializer<>(now, in -> Optional.of(reader.deserialize(in)), "optional of " + old);
  }
}
