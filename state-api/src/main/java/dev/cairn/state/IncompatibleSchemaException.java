package dev.cairn.state;

/** Thrown when restored state was written with a serializer the state's new serializer cannot read; the message names the state and why. */
public class IncompatibleSchemaException extends StateException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the state, key or file at fault. */
  public IncompatibleSchemaException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public IncompatibleSchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
