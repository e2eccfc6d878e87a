package dev.cairn.state.query;

import dev.cairn.state.StateException;

/** Thrown by a read of a {@link StateView} that was closed, or whose {@link StateViews} was closed. */
public class ViewClosedException extends StateException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that says which view and why. */
  public ViewClosedException(String message) {
    super(message);
  }
}
