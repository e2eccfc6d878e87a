package dev.cairn.state;

/** The five kinds of keyed state. The ordinal is never persisted; {@link #code()} is. */
public enum StateKind {
  VALUE(1),
  LIST(2),
  MAP(3),
  REDUCING(4),
  AGGREGATING(5);

  private final int code;

  StateKind(int code) {
    this.code = code;
  }

  /** Returns the stable code of this kind, as written in snapshots. */
  public int code() {
    return code;
  }

  /**
   * Returns the kind with the given snapshot code.
   *
   * @throws IllegalArgumentException for an unknown code
   */
  public static StateKind ofCode(int code) {
    for (StateKind kind : values()) {
      if (kind.code == code) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown state kind code " + code);
  }
}
