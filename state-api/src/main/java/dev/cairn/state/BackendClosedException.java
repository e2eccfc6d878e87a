package dev.cairn.state;

/** Thrown on any use of a backend, or of a state handle it made, after the backend was closed. */
public class BackendClosedException extends StateException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the state, key or file at fault. */
  public BackendClosedException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public BackendClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
