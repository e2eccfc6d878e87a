package dev.cairn.state;

/**
 * The root of every exception Cairn throws for its own reasons. Unchecked: state access never
 * declares checked exceptions. Null arguments where none are allowed throw {@link
 * NullPointerException} and invalid arguments {@link IllegalArgumentException}, with a message naming
 * the state.
 */
public class StateException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the state, key or file at fault. */
  public StateException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public StateException(String message, Throwable cause) {
    super(message, cause);
  }
}
