package dev.cairn.state;

/**
 * Thrown when a backend, or a state handle it made, is used by a thread other than the one that owns
 * it: the first thread that set a current key on it. The message names both threads.
 */
public class WrongThreadException extends StateException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the owning and the offending thread. */
  public WrongThreadException(String message) {
    super(message);
  }
}
