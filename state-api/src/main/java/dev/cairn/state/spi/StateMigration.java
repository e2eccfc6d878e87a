package dev.cairn.state.spi;

import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.serde.SchemaCompatibility;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.serde.TypeSerializerSnapshot;

/**
 * How a backend reads a restored state whose serializers changed: the serializers that read the
 * stored bytes ({@link TypeSerializerSnapshot#restoreSerializer} or a reconfigured serializer),
 * from {@link StateMetaInfo#checkRestorableAs}. The backend reads every stored value, user key or
 * element with them and keeps it as the new descriptor's serializers write it, before the state is
 * handed out; the checkpoint it restored from is never changed.
 *
 * @param stateName the state's name
 * @param valueReader reads the stored values, list elements or map values; null if they are read
 *     as is by the new serializer
 * @param userKeyReader reads the stored map keys; null if they are read as is (always null for other
 *     kinds)
 * @param reason what changed, for logs
 */
public record StateMigration(
    String stateName, TypeSerializer<Object> valueReader, TypeSerializer<Object> userKeyReader, String reason) {

  /** Returns {@code key} for an error message: its {@code toString}, cut at 200 characters. */
  public static String describeKey(Object key) {
    String s = key instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes) : String.valueOf(key);
    return "'" + (s.length() <= 200 ? s : s.substring(0, 200) + "...") + "'";
  }

  /**
   * Checks that the key serializer {@code now} reads keys written by the serializer {@code stored}
   * describes, as is: keys are never migrated, since their bytes and hash decide the key group.
   *
   * @param description the snapshot, for the message
   * @throws IncompatibleSchemaException naming the snapshot, both serializers and why otherwise
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void checkKeySerializer(TypeSerializerSnapshot<?> stored, TypeSerializer<?> now, String description) {
    SchemaCompatibility verdict = ((TypeSerializerSnapshot) stored).resolveCompatibility(now);
    if (verdict.isIncompatible()) {
      throw IncompatibleSchemaException.serializerMismatch(
          "snapshot " + description + ": the key serializer " + now + " cannot read the stored keys ("
              + verdict.kind() + ": " + verdict.reason() + ")");
    }
    if (!verdict.isCompatibleAsIs()) {
      throw new IncompatibleSchemaException(
          "snapshot " + description + ": the key serializer changed from " + stored + " to " + now + " ("
              + verdict.kind() + ": " + verdict.reason() + "); keys cannot be migrated, because their bytes and"
              + " hash decide the key group of every entry: restore with the key serializer the state was written"
              + " with");
    }
  }
}
