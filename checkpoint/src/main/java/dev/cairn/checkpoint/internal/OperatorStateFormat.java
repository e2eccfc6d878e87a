package dev.cairn.checkpoint.internal;

/** Framing constants of operator-state files ({@code task-<i>.operator-state}). */
public final class OperatorStateFormat {

  /** The magic, "COPS". */
  public static final int MAGIC = 0x434F5053;
  /** The format version this build writes and reads. */
  public static final int VERSION = 1;

  private OperatorStateFormat() {}
}
