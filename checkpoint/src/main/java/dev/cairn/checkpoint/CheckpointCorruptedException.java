package dev.cairn.checkpoint;

/** A stored checkpoint or savepoint failed verification; the message names its id and the file. */
public class CheckpointCorruptedException extends CheckpointException {

  private static final long serialVersionUID = 1L;

  private final long checkpointId;
  private final String file;

  /**
   * @param checkpointId the damaged checkpoint's id, or -1 if unknown (unreadable metadata)
   * @param file the damaged file, as a path or URI
   * @param cause the verification failure
   */
  public CheckpointCorruptedException(long checkpointId, String file, Throwable cause) {
    super(
        (checkpointId >= 0 ? "checkpoint " + checkpointId : "checkpoint") + " is damaged: " + cause.getMessage(),
        cause);
    this.checkpointId = checkpointId;
    this.file = file;
  }

  /** Returns the damaged checkpoint's id, or -1 if unknown. */
  public long checkpointId() {
    return checkpointId;
  }

  /** Returns the damaged file, as a path or URI. */
  public String file() {
    return file;
  }
}
