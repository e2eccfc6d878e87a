package dev.cairn.state.spi;

import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.StateKind;
import dev.cairn.state.StateRegistrationException;
import dev.cairn.state.serde.SchemaCompatibility;
import dev.cairn.state.serde.SerializerSnapshots;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.serde.TypeSerializerSnapshot;

/**
 * A state as stored in a snapshot: its name, kind and serializer snapshots.
 *
 * @param name the state's name
 * @param kind the state's kind
 * @param valueSerializer the snapshot of the value, element, map value or accumulator serializer
 * @param userKeySerializer the snapshot of the map key serializer for map state, otherwise null
 */
public record StateMetaInfo(
    String name,
    StateKind kind,
    TypeSerializerSnapshot<?> valueSerializer,
    TypeSerializerSnapshot<?> userKeySerializer) {

  public StateMetaInfo {
    if (name == null || kind == null || valueSerializer == null) {
      throw new IllegalArgumentException("name, kind and value serializer snapshot must not be null");
    }
    if ((kind == StateKind.MAP) != (userKeySerializer != null)) {
      throw new IllegalArgumentException(
          "state '" + name + "': a user key serializer snapshot is required for map state and only for it");
    }
  }

  /** Returns the meta info of the state {@code descriptor} describes. */
  public static StateMetaInfo of(StateDescriptor<?> descriptor) {
    TypeSerializerSnapshot<?> userKey =
        descriptor instanceof MapStateDescriptor<?, ?> map ? map.userKeySerializer().snapshot() : null;
    return new StateMetaInfo(descriptor.name(), descriptor.kind(), descriptor.valueSerializer().snapshot(), userKey);
  }

  /**
   * Refuses a descriptor with a time-to-live. Every backend that does not implement TTL itself (all
   * but the TTL decorator) calls this first in {@code getState}, so that a TTL is never ignored.
   *
   * @throws StateRegistrationException naming the state and the TTL decorator if {@code
   *     descriptor.ttl()} is set
   */
  public static void refuseTtl(StateDescriptor<?> descriptor) {
    if (descriptor.ttl() != null) {
      throw new StateRegistrationException(
          "state '" + descriptor.name() + "' has a TTL (" + descriptor.ttl() + "), which this backend does not"
              + " implement: wrap the backend with TtlStateBackend (module cairn-ttl)");
    }
  }

  /**
   * Checks that {@code descriptor} registers the same state as this registered one: same kind and
   * equal serializer snapshots.
   *
   * @throws StateRegistrationException naming the state and the difference otherwise
   */
  public void checkSameState(StateDescriptor<?> descriptor) {
    StateMetaInfo other = of(descriptor);
    if (other.kind != kind) {
      throw new StateRegistrationException(
          "state '" + name + "' is registered as " + kind + " state, cannot register it as " + other.kind);
    }
    if (!other.valueSerializer.equals(valueSerializer)
        || (userKeySerializer != null && !other.userKeySerializer.equals(userKeySerializer))) {
      throw new StateRegistrationException(
          "state '" + name + "' is registered with serializer " + describeSerializers()
              + ", cannot register it with " + other.describeSerializers());
    }
  }

  /**
   * Checks that {@code descriptor} can read this state as restored from a snapshot: same kind, and
   * serializers compatible with the stored snapshots, as is or after a migration.
   *
   * @return null when the new serializers read the stored bytes as is, otherwise the migration the
   *     backend must run before handing the state out
   * @throws StateRegistrationException if the kind differs
   * @throws IncompatibleSchemaException naming the state, what changed (the record component, the
   *     old and new serializer) and what to do if a serializer cannot read the stored data; nothing
   *     is migrated then
   */
  public StateMigration checkRestorableAs(StateDescriptor<?> descriptor) {
    if (descriptor.kind() != kind) {
      throw new StateRegistrationException(
          "state '" + name + "' was restored as " + kind + " state, cannot register it as " + descriptor.kind());
    }
    SchemaCompatibility value = resolve("value", valueSerializer, descriptor.valueSerializer());
    SchemaCompatibility userKey = descriptor instanceof MapStateDescriptor<?, ?> map
        ? resolve("user key", userKeySerializer, map.userKeySerializer())
        : SchemaCompatibility.compatibleAsIs();
    if (value.isCompatibleAsIs() && userKey.isCompatibleAsIs()) {
      return null;
    }
    String reason = (value.isCompatibleAsIs() ? "" : "value: " + value.kind() + ": " + value.reason())
        + (value.isCompatibleAsIs() || userKey.isCompatibleAsIs() ? "" : "; ")
        + (userKey.isCompatibleAsIs() ? "" : "user key: " + userKey.kind() + ": " + userKey.reason());
    return new StateMigration(
        name,
        value.isCompatibleAsIs() ? null : reader(valueSerializer, descriptor.valueSerializer()),
        userKey.isCompatibleAsIs() ? null : reader(userKeySerializer, ((MapStateDescriptor<?, ?>) descriptor).userKeySerializer()),
        reason);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private SchemaCompatibility resolve(String role, TypeSerializerSnapshot stored, TypeSerializer<?> now) {
    SchemaCompatibility compatibility = SerializerSnapshots.resolve(stored, now);
    if (compatibility.isIncompatible()) {
      throw IncompatibleSchemaException.serializerMismatch(
          "state '" + name + "': the new " + role + " serializer cannot read the restored data ("
              + compatibility.kind() + ": " + compatibility.reason() + ")");
    }
    return compatibility;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private TypeSerializer<Object> reader(TypeSerializerSnapshot stored, TypeSerializer now) {
    try {
      return SerializerSnapshots.readerOf(stored, now);
    } catch (UnsupportedOperationException e) {
      throw new IncompatibleSchemaException("state '" + name + "': " + e.getMessage(), e);
    }
  }

  private String describeSerializers() {
    return userKeySerializer == null ? valueSerializer.toString() : userKeySerializer + " -> " + valueSerializer;
  }
}
