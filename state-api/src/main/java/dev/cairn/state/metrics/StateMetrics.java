package dev.cairn.state.metrics;

import dev.cairn.state.StateKind;
import java.util.Map;

/**
 * Figures of one keyed state at the moment they were read.
 *
 * @param name the state's name
 * @param kind the state's kind
 * @param entries stored entries. Heap: the exact number of keys with state (for map state: keys, not
 *     map entries). RocksDB: {@code rocksdb.estimate-num-keys} of the state's column family, an
 *     estimate that counts each map entry and may count an overwritten or deleted key until compaction
 * @param bytes estimated bytes. Heap: the state's serialized size at the backend's last full snapshot,
 *     scaled by how its entry count changed since (0 before the first full snapshot). RocksDB: {@code
 *     rocksdb.estimate-live-data-size} plus {@code rocksdb.cur-size-all-mem-tables}
 * @param details backend-specific figures by name (RocksDB: the native properties read, see the
 *     RocksDB README), empty for the heap
 */
public record StateMetrics(String name, StateKind kind, long entries, long bytes, Map<String, Long> details) {

  /** Copies {@code details}. */
  public StateMetrics {
    details = Map.copyOf(details);
  }
}
