package dev.cairn.checkpoint;

import dev.cairn.state.StateException;

/**
 * A checkpoint failed, or too many did, or a checkpoint cannot be restored, or the coordinator was
 * used out of order (see {@link CheckpointCoordinator}).
 */
public class CheckpointException extends StateException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the checkpoint. */
  public CheckpointException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the cause. */
  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
