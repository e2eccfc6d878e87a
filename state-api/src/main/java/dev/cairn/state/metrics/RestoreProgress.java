package dev.cairn.state.metrics;

import java.time.Duration;

/**
 * How far a restore has come: an immutable value.
 *
 * @param backend the backend's kind: {@code "heap"} or {@code "rocksdb"}
 * @param snapshots the snapshots being restored, as their descriptions (a checkpoint id and directory)
 * @param bytes bytes read from the snapshots so far
 * @param entries entries loaded so far. A RocksDB restore that places native files counts no entries:
 *     it loads whole files, counted in {@code bytes}
 * @param elapsed time since the restore started
 */
public record RestoreProgress(String backend, String snapshots, long bytes, long entries, Duration elapsed) {

  /** Returns the bytes read per second so far (0 before any time has passed). */
  public double bytesPerSecond() {
    return perSecond(bytes);
  }

  /** Returns the entries loaded per second so far (0 before any time has passed). */
  public double entriesPerSecond() {
    return perSecond(entries);
  }

  private double perSecond(long count) {
    long nanos = elapsed.toNanos();
    return nanos == 0 ? 0 : count * 1e9 / nanos;
  }
}
