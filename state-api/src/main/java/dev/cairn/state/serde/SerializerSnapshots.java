package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes serializer snapshots and reads them back by identifier, never by Java serialization: each
 * snapshot is stored as its {@link TypeSerializerSnapshot#id() id}, its version and a length-prefixed
 * payload, and read by the {@link Reader} registered under that id. Cairn's own serializers are
 * registered here; user serializers register theirs with {@link #register(String, Reader)} or through
 * {@link java.util.ServiceLoader}: {@code META-INF/services/dev.cairn.state.serde.SerializerSnapshots$Provider}
 * on the class path, {@code provides dev.cairn.state.serde.SerializerSnapshots.Provider with ...} in the
 * {@code module-info} of a named module (as {@code dev.cairn.ttl} does; a jar may carry both).
 */
public final class SerializerSnapshots {

  /** Reads the payload of one snapshot family. */
  @FunctionalInterface
  public interface Reader {
    /**
     * Reads a snapshot of the given version from {@code in}, which holds exactly its payload.
     *
     * @throws SerializationException if the version is unknown or the payload is corrupt
     */
    TypeSerializerSnapshot<?> read(int version, DataInputBuffer in);
  }

  /** Registers readers found by {@link ServiceLoader}. */
  public interface Provider {
    /** Registers this provider's readers with {@link SerializerSnapshots#register}. */
    void registerReaders();
  }

  private static final Map<String, Reader> READERS = new ConcurrentHashMap<>();

  static {
    BuiltInSerializers.registerSnapshotReaders();
    for (Provider provider : ServiceLoader.load(Provider.class)) {
      provider.registerReaders();
    }
  }

  private SerializerSnapshots() {}

  /**
   * Registers the reader of snapshots with the given id.
   *
   * @throws IllegalStateException if another reader is registered under that id
   */
  public static void register(String id, Reader reader) {
    Reader previous = READERS.putIfAbsent(id, reader);
    if (previous != null && previous != reader) {
      throw new IllegalStateException("a serializer snapshot reader is already registered for id '" + id + "'");
    }
  }

  /** Writes {@code snapshot} (id, version, length-prefixed payload) to {@code out}. */
  public static void write(TypeSerializerSnapshot<?> snapshot, DataOutputBuffer out) {
    out.writeString(snapshot.id());
    out.writeVarInt(snapshot.version());
    DataOutputBuffer payload = new DataOutputBuffer();
    snapshot.write(payload);
    out.writeLengthPrefixed(payload.array(), 0, payload.length());
  }

  /**
   * Reads a snapshot written by {@link #write}.
   *
   * @throws SerializationException if the id has no registered reader or the bytes are corrupt
   */
  public static TypeSerializerSnapshot<?> read(DataInputBuffer in) {
    String id = in.readString();
    int version = in.readVarInt();
    byte[] payload = in.readLengthPrefixed();
    Reader reader = READERS.get(id);
    if (reader == null) {
      throw new SerializationException(
          "no reader registered for serializer snapshot '" + id + "' (register one with SerializerSnapshots.register)");
    }
    DataInputBuffer payloadIn = new DataInputBuffer(payload);
    TypeSerializerSnapshot<?> snapshot = reader.read(version, payloadIn);
    if (payloadIn.remaining() != 0) {
      throw new SerializationException(
          "corrupt serializer snapshot '" + id + "': " + payloadIn.remaining() + " unread bytes");
    }
    return snapshot;
  }

  /**
   * Resolves the stored snapshot {@code stored} against the new serializer {@code now}: {@link
   * TypeSerializerSnapshot#resolveCompatibility}, except that a serializer made by {@link
   * Serializers#migrating} decides itself (its migration runs on state written without it). Every
   * backend and composite serializer resolves through this.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static <T> SchemaCompatibility resolve(TypeSerializerSnapshot<T> stored, TypeSerializer<T> now) {
    if (now instanceof MigratingSerializer<?, ?> migrating) {
      return migrating.resolveFrom(stored);
    }
    return ((TypeSerializerSnapshot) stored).resolveCompatibility(now);
  }

  /**
   * Returns the serializer that reads what {@code stored}'s serializer wrote as values of {@code
   * now}'s type: {@code now} itself when {@link #resolve} finds it compatible as is, else the
   * reconfigured or restore serializer ({@link TypeSerializerSnapshot#restoreSerializer}), or a
   * migrating serializer's reader. Call it only after {@link #resolve} found them compatible.
   *
   * @throws UnsupportedOperationException if {@code stored} cannot restore a serializer for {@code now}
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static <T> TypeSerializer<T> readerOf(TypeSerializerSnapshot<T> stored, TypeSerializer<T> now) {
    if (now instanceof MigratingSerializer<?, ?> migrating) {
      return (TypeSerializer<T>) migrating.readerFrom(stored);
    }
    return ((TypeSerializerSnapshot) stored).resolveCompatibility(now).isCompatibleAsIs()
        ? now : ((TypeSerializerSnapshot) stored).restoreSerializer(now);
  }

  /** Returns the bytes {@link #write} produces for {@code snapshot}. */
  public static byte[] toBytes(TypeSerializerSnapshot<?> snapshot) {
    DataOutputBuffer out = new DataOutputBuffer();
    write(snapshot, out);
    return out.toByteArray();
  }

  /** Reads a snapshot from exactly {@code bytes}. */
  public static TypeSerializerSnapshot<?> fromBytes(byte[] bytes) {
    DataInputBuffer in = new DataInputBuffer(bytes);
    TypeSerializerSnapshot<?> snapshot = read(in);
    if (in.remaining() != 0) {
      throw new SerializationException("corrupt serializer snapshot: " + in.remaining() + " trailing bytes");
    }
    return snapshot;
  }
}
