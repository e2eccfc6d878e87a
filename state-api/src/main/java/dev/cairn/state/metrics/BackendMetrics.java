package dev.cairn.state.metrics;

import java.util.List;
import java.util.Map;

/**
 * Figures of one keyed backend at the moment they were read: an immutable value.
 *
 * @param backend the backend's kind: {@code "heap"} or {@code "rocksdb"}
 * @param states one entry per registered state, in registration order (restored states not registered
 *     yet are left out)
 * @param memoryUsedBytes bytes of the backend's memory budget in use (RocksDB: memtables, block cache
 *     and table readers charged to the shared cache), or -1 if the backend has no budget (heap)
 * @param memoryBudgetBytes the memory budget, or -1 if the backend has none (heap)
 * @param writeStalls RocksDB: the cumulative number of write stalls and slow-downs since the database
 *     opened ({@code total-stops} plus {@code total-delays} of the map property {@code rocksdb.cfstats},
 *     over the states' column families); 0 for the heap
 * @param lastRestore how the backend's last restore went, or null if it was never restored
 * @param details backend-specific figures by name (RocksDB: the database-wide native properties read),
 *     empty for the heap
 */
public record BackendMetrics(
    String backend,
    List<StateMetrics> states,
    long memoryUsedBytes,
    long memoryBudgetBytes,
    long writeStalls,
    RestoreProgress lastRestore,
    Map<String, Long> details) {

  /** Copies {@code states} and {@code details}. */
  public BackendMetrics {
    states = List.copyOf(states);
    details = Map.copyOf(details);
  }

  /** Returns the sum of every state's entries. */
  public long totalEntries() {
    return states.stream().mapToLong(StateMetrics::entries).sum();
  }

  /** Returns the sum of every state's estimated bytes. */
  public long totalBytes() {
    return states.stream().mapToLong(StateMetrics::bytes).sum();
  }
}
