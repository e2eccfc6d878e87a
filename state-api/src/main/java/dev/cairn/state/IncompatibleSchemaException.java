package dev.cairn.state;

/** Thrown when restored state was written with a serializer the state's new serializer cannot read; the message names the state and why. */
public class IncompatibleSchemaException extends StateException {

  private static final long serialVersionUID = 1L;

  /** What a user can do about a serializer that cannot read restored data, appended to the message. */
  private static final String WHAT_TO_DO = ". To restore it, register the state with the serializer it was written with"
      + " or one that can migrate it (a serializer whose snapshot resolves the change as compatible after migration;"
      + " records evolve by component name, see Serializers.record); to change the type in a way no serializer"
      + " migrates, register the new type under a new state name and copy the values over while both are registered";

  /** The exception for a serializer that cannot read restored data, with what the user can do about it. */
  public static IncompatibleSchemaException serializerMismatch(String problem) {
    return new IncompatibleSchemaException(problem + WHAT_TO_DO);
  }

  /** Creates the exception with a message that names the state, key or file at fault. */
  public IncompatibleSchemaException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public IncompatibleSchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
