package dev.cairn.state;

/** Thrown when a snapshot cannot be written or a stored snapshot cannot be read (damaged, truncated or of an unknown format); the message names the stream or file. */
public class SnapshotException extends StateException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the state, key or file at fault. */
  public SnapshotException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public SnapshotException(String message, Throwable cause) {
    super(message, cause);
  }
}
