package dev.cairn.state.metrics;

import java.time.Duration;

/**
 * How far the migration of one restored state has come (see {@link RestoreListener#onMigrationStart}):
 * an immutable value.
 *
 * @param backend the backend's kind: {@code "heap"} or {@code "rocksdb"}
 * @param state the state's name
 * @param reason what changed, as the serializers explain it
 * @param pass what the backend is doing: the heap {@code "loaded"} (it migrates while loading the
 *     restored entries); RocksDB {@code "converted"} (a first pass that only checks that every entry
 *     converts), {@code "deleted"} (only when map keys change their bytes), {@code "rewrote"}; at the
 *     end, {@code "done"}
 * @param entries entries handled in this pass so far; at the end, the entries of the state
 * @param elapsed time since this pass started; at the end, since the migration started
 */
public record MigrationProgress(String backend, String state, String reason, String pass, long entries, Duration elapsed) {

  /** Returns the entries handled per second in this pass so far (0 before any time has passed). */
  public double entriesPerSecond() {
    long nanos = elapsed.toNanos();
    return nanos == 0 ? 0 : entries * 1e9 / nanos;
  }
}
