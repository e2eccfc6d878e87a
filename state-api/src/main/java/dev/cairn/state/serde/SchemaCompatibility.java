package dev.cairn.state.serde;

/**
 * Whether a new serializer can read what an old one wrote.
 *
 * @param kind the verdict
 * @param reason why, when the verdict is not {@link Kind#COMPATIBLE_AS_IS}; empty otherwise
 */
public record SchemaCompatibility(Kind kind, String reason) {

  /** The verdicts. Migration (rewriting state with the new serializer) comes with schema evolution. */
  public enum Kind {
    /** The new serializer reads the old bytes directly. */
    COMPATIBLE_AS_IS,
    /** The state must be read with the old serializer and rewritten with the new one. */
    COMPATIBLE_AFTER_MIGRATION,
    /** The new serializer cannot be used for this state. */
    INCOMPATIBLE
  }

  public SchemaCompatibility {
    if (kind == null || reason == null) {
      throw new IllegalArgumentException("kind and reason must not be null");
    }
  }

  /** The new serializer reads the old bytes directly. */
  public static SchemaCompatibility compatibleAsIs() {
    return new SchemaCompatibility(Kind.COMPATIBLE_AS_IS, "");
  }

  /** The state must be migrated; {@code reason} says why. */
  public static SchemaCompatibility compatibleAfterMigration(String reason) {
    return new SchemaCompatibility(Kind.COMPATIBLE_AFTER_MIGRATION, reason);
  }

  /** The new serializer cannot be used; {@code reason} says why. */
  public static SchemaCompatibility incompatible(String reason) {
    return new SchemaCompatibility(Kind.INCOMPATIBLE, reason);
  }

  /** Returns whether the new serializer reads the old bytes directly. */
  public boolean isCompatibleAsIs() {
    return kind == Kind.COMPATIBLE_AS_IS;
  }
}
