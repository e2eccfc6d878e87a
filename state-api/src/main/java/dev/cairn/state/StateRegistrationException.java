package dev.cairn.state;

/** Thrown when a state is registered under a name already used with another kind or serializer, or when a restored state does not match its new descriptor's kind. */
public class StateRegistrationException extends StateException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the state, key or file at fault. */
  public StateRegistrationException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public StateRegistrationException(String message, Throwable cause) {
    super(message, cause);
  }
}
