package dev.cairn.checkpoint;

/**
 * Another live coordinator (in this process or on another machine) holds the lease of a checkpoint
 * location, so this one may not write there. Thrown when a coordinator is built on the location; a
 * caller that hands work over between instances may wait and try again.
 */
public class LocationInUseException extends CheckpointException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the location. */
  public LocationInUseException(String message) {
    super(message);
  }
}
