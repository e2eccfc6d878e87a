package dev.cairn.state.spi;

/**
 * What kind of snapshot the checkpoint coordinator asks a backend for.
 *
 * <ul>
 *   <li>{@link #CANONICAL}: every entry in the canonical format ({@link KeyedSnapshotFormat}),
 *       self-contained and readable by every backend. Savepoints are always canonical.
 *   <li>{@link #INCREMENTAL}: the backend's cheapest format that the same kind of backend can
 *       restore, which may store only what changed since the backend's last completed checkpoint and
 *       reference files that earlier checkpoints stored ({@link SnapshotOutput#referenceShared}). A
 *       backend without such a format writes a canonical snapshot.
 * </ul>
 */
public enum SnapshotMode {
  /** A full, portable snapshot in the canonical format. */
  CANONICAL,
  /** The backend's own incremental format, or canonical if it has none. */
  INCREMENTAL
}
