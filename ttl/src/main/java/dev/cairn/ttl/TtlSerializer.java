package dev.cairn.ttl;

import dev.cairn.state.SerializationException;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.SchemaCompatibility;
import dev.cairn.state.serde.SerializerSnapshots;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import dev.cairn.state.spi.TimestampedSerializer;

/**
 * The TTL envelope: {@code lastAccess:long (8 bytes, big-endian)}, then for map values a presence
 * byte (0 = null, 1 = present), then the user serializer's bytes. The fixed-size prefix lets
 * snapshot filters and restore read, add and strip timestamps on raw bytes without deserializing
 * user values. As a {@link TimestampedSerializer} it lets an object-keeping backend store the
 * timestamp apart from the user's value (the heap backend does), so that no envelope object is read
 * or retained per entry.
 */
final class TtlSerializer<T> implements TimestampedSerializer<TtlValue<T>> {

  static final String ID = "cairn.ttl";
  static final int TIMESTAMP_BYTES = 8;

  private final TypeSerializer<T> user;
  private final boolean nullable;

  TtlSerializer(TypeSerializer<T> user, boolean nullable) {
    this.user = user;
    this.nullable = nullable;
  }

  TypeSerializer<T> user() {
    return user;
  }

  @Override
  public void serialize(TtlValue<T> value, DataOutputBuffer out) {
    out.writeLong(value.lastAccess());
    if (nullable) {
      if (value.value() == null) {
        out.writeByte(0);
        return;
      }
      out.writeByte(1);
    }
    user.serialize(value.value(), out);
  }

  @Override
  public TtlValue<T> deserialize(DataInputBuffer in) {
    long lastAccess = in.readLong();
    if (nullable) {
      int present = in.readUnsignedByte();
      if (present == 0) {
        return new TtlValue<>(lastAccess, null);
      }
      if (present != 1) {
        throw new SerializationException(this + ": bad presence byte " + present);
      }
    }
    return new TtlValue<>(lastAccess, user.deserialize(in));
  }

  @Override
  public long timestamp(TtlValue<T> value) {
    return value.lastAccess();
  }

  @Override
  public Object payload(TtlValue<T> value) {
    return value.value();
  }

  @Override
  @SuppressWarnings("unchecked")
  public TtlValue<T> withTimestamp(long timestamp, Object payload) {
    return new TtlValue<>(timestamp, (T) payload);
  }

  @Override
  public boolean isImmutable() {
    return user.isImmutable();
  }

  @Override
  public TtlValue<T> copy(TtlValue<T> value) {
    if (user.isImmutable() || value.value() == null) {
      return value;
    }
    return new TtlValue<>(value.lastAccess(), user.copy(value.value()));
  }

  @Override
  public int stableHash(TtlValue<T> value) {
    return 31 * Long.hashCode(value.lastAccess()) + (value.value() == null ? 0 : user.stableHash(value.value()));
  }

  @Override
  public TypeSerializerSnapshot<TtlValue<T>> snapshot() {
    return new Snapshot<>(user.snapshot(), nullable);
  }

  @Override
  public String toString() {
    return "ttl(" + user + ")";
  }

  /** Returns the last-access timestamp at the start of envelope bytes. */
  static long timestampOf(byte[] envelope) {
    if (envelope.length < TIMESTAMP_BYTES) {
      throw new SerializationException("TTL envelope of " + envelope.length + " bytes has no timestamp");
    }
    long t = 0;
    for (int i = 0; i < TIMESTAMP_BYTES; i++) {
      t = (t << 8) | (envelope[i] & 0xFF);
    }
    return t;
  }

  /** Returns the envelope bytes of user bytes {@code value} (null only for a null map value). */
  static byte[] wrap(long lastAccess, byte[] value, boolean nullable) {
    DataOutputBuffer out = new DataOutputBuffer(TIMESTAMP_BYTES + 1 + (value == null ? 0 : value.length));
    out.writeLong(lastAccess);
    if (nullable) {
      out.writeByte(value == null ? 0 : 1);
    }
    if (value != null) {
      out.writeBytes(value);
    }
    return out.toByteArray();
  }

  /** Returns the user bytes inside envelope bytes (null for a null map value). */
  static byte[] unwrap(byte[] envelope, boolean nullable) {
    timestampOf(envelope);
    int start = TIMESTAMP_BYTES;
    if (nullable) {
      if (envelope.length < start + 1) {
        throw new SerializationException("TTL map envelope of " + envelope.length + " bytes has no presence byte");
      }
      if (envelope[start] == 0) {
        return null;
      }
      start++;
    }
    return java.util.Arrays.copyOfRange(envelope, start, envelope.length);
  }

  private static final SerializerSnapshots.Reader READER = (version, in) -> {
    if (version != 1) {
      throw new SerializationException("unknown version " + version + " of serializer snapshot '" + ID + "'");
    }
    boolean nullable = in.readBoolean();
    return new Snapshot<>(SerializerSnapshots.read(in), nullable);
  };

  /** Registers the reader of {@link Snapshot}s; idempotent. */
  static void registerReader() {
    SerializerSnapshots.register(ID, READER);
  }

  /**
   * The snapshot of an envelope serializer: the user serializer's snapshot, nested, and whether
   * values may be null (map values).
   */
  record Snapshot<T>(TypeSerializerSnapshot<T> user, boolean nullable) implements TypeSerializerSnapshot<TtlValue<T>> {

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
      out.writeBoolean(nullable);
      SerializerSnapshots.write(user, out);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public SchemaCompatibility resolveCompatibility(TypeSerializer<TtlValue<T>> newSerializer) {
      if (newSerializer instanceof TtlSerializer<?> ttl && ttl.nullable == nullable) {
        SchemaCompatibility verdict = SerializerSnapshots.resolve((TypeSerializerSnapshot) user, ttl.user);
        if (verdict.isCompatibleAsIs()) {
          return verdict;
        }
        // a reconfigured user serializer migrates the envelopes: restoreSerializer wraps it
        return new SchemaCompatibility(
            verdict.isIncompatible() ? SchemaCompatibility.Kind.INCOMPATIBLE : SchemaCompatibility.Kind.COMPATIBLE_AFTER_MIGRATION,
            "TTL value: " + verdict.reason());
      }
      return SchemaCompatibility.incompatible(
          "the state was written with TTL (" + this + "); to read it without TTL, restore it through "
              + "TtlStateBackend.builder(...).convertOnRestore(descriptor without TTL), which strips the timestamps");
    }

    /** Returns envelopes read with the user snapshot's restore serializer: migration through TTL. */
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TypeSerializer<TtlValue<T>> restoreSerializer(TypeSerializer<TtlValue<T>> newSerializer) {
      if (!(newSerializer instanceof TtlSerializer ttl) || ttl.nullable != nullable) {
        return TypeSerializerSnapshot.super.restoreSerializer(newSerializer);
      }
      TypeSerializerSnapshot old = user;
      return new TtlSerializer<>(SerializerSnapshots.readerOf(old, ttl.user), nullable);
    }

    @Override
    public String toString() {
      return "ttl(" + user + ")";
    }
  }
}
