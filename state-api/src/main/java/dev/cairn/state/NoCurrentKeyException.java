package dev.cairn.state;

/** Thrown on state access before a current key was set. */
public class NoCurrentKeyException extends StateException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the state, key or file at fault. */
  public NoCurrentKeyException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public NoCurrentKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
