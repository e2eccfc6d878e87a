package dev.cairn.state;

/** Thrown when the current key belongs to a key group outside the backend's key-group range. */
public class KeyGroupOutOfRangeException extends StateException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the state, key or file at fault. */
  public KeyGroupOutOfRangeException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public KeyGroupOutOfRangeException(String message, Throwable cause) {
    super(message, cause);
  }
}
