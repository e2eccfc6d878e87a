package dev.cairn.state.query;

import dev.cairn.state.StateException;

/**
 * Thrown by {@link StateViews#acquire()} when no fresh enough view came within {@link
 * StateViews.Builder#acquireTimeout}: the task thread did not reach {@link StateViews#refresh()} (it
 * is blocked, busy with one long record, or does not call it).
 */
public class ViewTimeoutException extends StateException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the wait and what to check. */
  public ViewTimeoutException(String message) {
    super(message);
  }
}
