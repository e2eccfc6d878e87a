package dev.cairn.checkpoint.metrics;

/**
 * One keyed state, as the MBean {@code dev.cairn:type=State,job=<job>,backend=task-<i>,state=<name>}.
 * Figures are at most one second old; see the state-api README for how each backend counts.
 */
public interface StateMXBean {

  /** The state's kind: {@code VALUE}, {@code LIST}, {@code MAP}, {@code REDUCING} or {@code AGGREGATING}. */
  String getKind();

  /** Stored entries (heap: exact keys with state; RocksDB: estimated rows). */
  long getEntries();

  /** Estimated bytes. */
  long getBytes();
}
