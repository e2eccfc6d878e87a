package dev.cairn.state.serde;

/**
 * Whether a new serializer can read what an old one wrote, as decided by the old serializer's
 * {@link TypeSerializerSnapshot#resolveCompatibility}. Four verdicts, from the cheapest to the
 * worst:
 *
 * <ul>
 *   <li>{@link Kind#COMPATIBLE_AS_IS}: the new serializer reads the old bytes directly; nothing is
 *       rewritten.
 *   <li>{@link Kind#COMPATIBLE_WITH_RECONFIGURED_SERIALIZER}: the new serializer, configured
 *       differently ({@link #reconfiguredSerializer()}), reads the old bytes; for example an enum
 *       serializer that keeps the old order of the constants.
 *   <li>{@link Kind#COMPATIBLE_AFTER_MIGRATION}: the old bytes are read with {@link
 *       TypeSerializerSnapshot#restoreSerializer} and written again with the new serializer.
 *   <li>{@link Kind#INCOMPATIBLE}: the new serializer cannot be used; {@link #reason()} says what
 *       changed.
 * </ul>
 *
 * <p>Backends migrate state on restore for both compatible verdicts other than as-is: they read the
 * stored bytes with the reconfigured or restore serializer and keep the values as the new serializer
 * writes them.
 *
 * @param kind the verdict
 * @param reason what changed, when the verdict is not {@link Kind#COMPATIBLE_AS_IS}; empty otherwise
 * @param reconfiguredSerializer the serializer that reads the old bytes, for {@link
 *     Kind#COMPATIBLE_WITH_RECONFIGURED_SERIALIZER} only; null otherwise
 */
public record SchemaCompatibility(Kind kind, String reason, TypeSerializer<?> reconfiguredSerializer) {

  /** The verdicts, ordered from the cheapest to the worst. */
  public enum Kind {
    /** The new serializer reads the old bytes directly. */
    COMPATIBLE_AS_IS,
    /** A reconfigured instance of the new serializer reads the old bytes. */
    COMPATIBLE_WITH_RECONFIGURED_SERIALIZER,
    /** The state must be read with the old serializer's restore serializer and rewritten with the new one. */
    COMPATIBLE_AFTER_MIGRATION,
    /** The new serializer cannot be used for this state. */
    INCOMPATIBLE
  }

  /**
   * @throws IllegalArgumentException if {@code kind} or {@code reason} is null, or {@code
   *     reconfiguredSerializer} is null for {@link Kind#COMPATIBLE_WITH_RECONFIGURED_SERIALIZER} or set
   *     for another kind
   */
  public SchemaCompatibility {
    if (kind == null || reason == null) {
      throw new IllegalArgumentException("kind and reason must not be null");
    }
    if ((kind == Kind.COMPATIBLE_WITH_RECONFIGURED_SERIALIZER) != (reconfiguredSerializer != null)) {
      throw new IllegalArgumentException(
          "a reconfigured serializer is required for " + Kind.COMPATIBLE_WITH_RECONFIGURED_SERIALIZER + " and only for it");
    }
  }

  /** Creates a verdict without a reconfigured serializer. */
  public SchemaCompatibility(Kind kind, String reason) {
    this(kind, reason, null);
  }

  /** The new serializer reads the old bytes directly. */
  public static SchemaCompatibility compatibleAsIs() {
    return new SchemaCompatibility(Kind.COMPATIBLE_AS_IS, "");
  }

  /**
   * {@code reconfigured}, an instance of the new serializer configured to match the old one, reads
   * the old bytes; {@code reason} says what changed.
   */
  public static SchemaCompatibility compatibleWithReconfiguredSerializer(String reason, TypeSerializer<?> reconfigured) {
    return new SchemaCompatibility(Kind.COMPATIBLE_WITH_RECONFIGURED_SERIALIZER, reason, reconfigured);
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

  /** Returns whether the new serializer cannot be used at all. */
  public boolean isIncompatible() {
    return kind == Kind.INCOMPATIBLE;
  }
}
