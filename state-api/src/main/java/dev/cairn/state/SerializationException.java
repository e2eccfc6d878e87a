package dev.cairn.state;

/** Thrown when a value cannot be serialized, or stored bytes cannot be deserialized (truncated, corrupt, oversized, or naming a class that is not registered). */
public class SerializationException extends StateException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the state, key or file at fault. */
  public SerializationException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public SerializationException(String message, Throwable cause) {
    super(message, cause);
  }
}
