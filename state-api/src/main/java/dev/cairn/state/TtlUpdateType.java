package dev.cairn.state;

/** When an entry's last-access timestamp is refreshed, restarting its time-to-live. */
public enum TtlUpdateType {
  /** When the entry is created and on every write (the default). Reads leave the timestamp alone. */
  ON_CREATE_AND_WRITE,
  /** Also on every read that returns the entry: state in use never expires. Reads then write. */
  ON_READ_AND_WRITE
}
