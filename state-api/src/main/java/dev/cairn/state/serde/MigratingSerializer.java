package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;

/**
 * The serializer of {@link Serializers#migrating}: writes, reads, copies and hashes as {@code now},
 * and carries a {@link StateMigrator} from the data {@code old} reads. Its snapshot is {@code now}'s
 * wrapped in a {@link Snapshot} with the migration's name, so that state it wrote (migrated state)
 * is never migrated again, while state written before the migration existed (any other snapshot)
 * is read with {@code old} and converted.
 */
final class MigratingSerializer<O, N> implements TypeSerializer<N> {

  static final String ID = "cairn.migrated";

  private final String name;
  private final TypeSerializer<O> old;
  private final TypeSerializer<N> now;
  private final StateMigrator<O, N> migrator;
  private final Snapshot<N> snapshot;

  MigratingSerializer(String name, TypeSerializer<O> old, TypeSerializer<N> now, StateMigrator<O, N> migrator) {
    if (name == null || old == null || now == null || migrator == null) {
      throw new NullPointerException("migration name, serializers and migrator must not be null");
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("migration name must not be empty");
    }
    this.name = name;
    this.old = old;
    this.now = now;
    this.migrator = migrator;
    this.snapshot = new Snapshot<>(name, now.snapshot());
  }

  @Override
  public void serialize(N value, DataOutputBuffer out) {
    now.serialize(value, out);
  }

  @Override
  public N deserialize(DataInputBuffer in) {
    return now.deserialize(in);
  }

  @Override
  public boolean isImmutable() {
    return now.isImmutable();
  }

  @Override
  public N copy(N value) {
    return now.copy(value);
  }

  @Override
  public int stableHash(N value) {
    return now.stableHash(value);
  }

  @Override
  public TypeSerializerSnapshot<N> snapshot() {
    return snapshot;
  }

  @Override
  public String toString() {
    return "migrating('" + name + "': " + old + " -> " + now + ")";
  }

  /**
   * Decides whether state the serializer {@code stored} describes is read: state this migration
   * wrote (a snapshot with its name) by the rules of {@code now}; any other state by {@code old},
   * then converted (a migration).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  SchemaCompatibility resolveFrom(TypeSerializerSnapshot stored) {
    if (stored instanceof Snapshot<?> s && s.name.equals(name)) {
      return SerializerSnapshots.resolve((TypeSerializerSnapshot) s.now, now);
    }
    SchemaCompatibility verdict = SerializerSnapshots.resolve(stored, old);
    if (verdict.isIncompatible()) {
      return SchemaCompatibility.incompatible("migration '" + name + "' reads the stored data with " + old
          + ", which cannot read it (" + verdict.reason() + ")");
    }
    return SchemaCompatibility.compatibleAfterMigration("migration '" + name + "': " + old + " -> " + now
        + (verdict.isCompatibleAsIs() ? "" : " (reading the stored data: " + verdict.reason() + ")"));
  }

  /** Returns the serializer that reads what {@code stored}'s serializer wrote, by {@link #resolveFrom}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  TypeSerializer<N> readerFrom(TypeSerializerSnapshot stored) {
    if (stored instanceof Snapshot<?> s && s.name.equals(name)) {
      return SerializerSnapshots.readerOf((TypeSerializerSnapshot) s.now, now);
    }
    TypeSerializer<O> reader = SerializerSnapshots.readerOf(stored, old);
    return new RestoreSerializer<>(this, in -> {
      O value = reader.deserialize(in);
      N migrated;
      try {
        migrated = migrator.migrate(value);
      } catch (RuntimeException e) {
        throw new SerializationException(
            "migration '" + name + "' failed on the stored value " + abbreviate(value) + ": " + e, e);
      }
      if (migrated == null) {
        throw new SerializationException(
            "migration '" + name + "' returned null for the stored value " + abbreviate(value));
      }
      return migrated;
    }, "migration '" + name + "' from " + stored);
  }

  private static String abbreviate(Object value) {
    String s = String.valueOf(value);
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  static void registerReader() {
    SerializerSnapshots.register(ID, (version, in) -> {
      SnapshotCodec.requireVersion(ID, version, 1);
      String name = in.readString();
      return new Snapshot<>(name, SerializerSnapshots.read(in));
    });
  }

  /**
   * The snapshot of a migrating serializer: the migration's name and the new serializer's snapshot.
   * Against a serializer without this migration it answers as the new serializer's snapshot would.
   *
   * @param name the migration's name
   * @param now the snapshot of the serializer the migration writes with
   */
  record Snapshot<N>(String name, TypeSerializerSnapshot<?> now) implements TypeSerializerSnapshot<N> {

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
      out.writeString(name);
      SerializerSnapshots.write(now, out);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public SchemaCompatibility resolveCompatibility(TypeSerializer<N> newSerializer) {
      if (newSerializer instanceof MigratingSerializer<?, ?> m) {
        return m.resolveFrom(this);
      }
      return SerializerSnapshots.resolve((TypeSerializerSnapshot) now, newSerializer);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TypeSerializer<N> restoreSerializer(TypeSerializer<N> newSerializer) {
      if (newSerializer instanceof MigratingSerializer<?, ?> m) {
        return (TypeSerializer<N>) m.readerFrom(this);
      }
      return SerializerSnapshots.readerOf((TypeSerializerSnapshot) now, newSerializer);
    }

    @Override
    public String toString() {
      return "migrated('" + name + "': " + now + ")";
    }
  }
}
