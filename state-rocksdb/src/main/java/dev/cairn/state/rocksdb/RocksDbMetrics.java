package dev.cairn.state.rocksdb;

import dev.cairn.state.StateKind;
import dev.cairn.state.metrics.BackendMetrics;
import dev.cairn.state.metrics.RestoreProgress;
import dev.cairn.state.metrics.StateMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Reads a RocksDB backend's figures from native properties, which RocksDB serves thread-safely; the
 * caller holds a lease of the backend's {@link ResourceGuard}, so no handle is freed meanwhile.
 */
final class RocksDbMetrics {

  /** Per column family: the figures a state reports, by property name. */
  static final List<String> STATE_PROPERTIES = List.of(
      "rocksdb.estimate-num-keys",
      "rocksdb.estimate-live-data-size",
      "rocksdb.cur-size-all-mem-tables",
      "rocksdb.total-sst-files-size",
      "rocksdb.num-entries-active-mem-table");

  /** Database-wide figures. */
  static final List<String> DATABASE_PROPERTIES = List.of(
      "rocksdb.block-cache-usage",
      "rocksdb.block-cache-pinned-usage",
      "rocksdb.estimate-table-readers-mem",
      "rocksdb.num-running-compactions",
      "rocksdb.num-running-flushes",
      "rocksdb.is-write-stopped",
      "rocksdb.actual-delayed-write-rate");

  /** A registered state with a column family: what {@link #read} may query from any thread. */
  record Column(String name, StateKind kind, ColumnFamilyHandle handle, RocksDbColumn state) {}

  /** The detail with a state's entries held by the write-back cache (as of its last snapshot or flush). */
  static final String CACHED_ENTRIES = "cairn.write-back-cache.entries";

  /** The detail with those entries' key and value bytes. */
  static final String CACHED_BYTES = "cairn.write-back-cache.bytes";

  private RocksDbMetrics() {}

  /**
   * Returns the figures of the database {@code db} (null if not opened yet: every state is empty).
   *
   * @param where the backend's working directory, for the error message
   * @throws RocksDbStateException if RocksDB fails to report a property
   */
  static BackendMetrics read(Object where, RocksDB db, List<Column> columns, RocksDbMemory memory, RestoreProgress lastRestore) {
    List<StateMetrics> states = new ArrayList<>(columns.size());
    Map<String, Long> database = new LinkedHashMap<>();
    long stalls = 0;
    try {
      for (Column column : columns) {
        Map<String, Long> details = new LinkedHashMap<>();
        for (String property : STATE_PROPERTIES) {
          details.put(property, db == null ? 0 : db.getLongProperty(column.handle(), property));
        }
        details.put(CACHED_ENTRIES, column.state().cachedEntries);
        details.put(CACHED_BYTES, column.state().cachedBytes);
        long bytes = details.get("rocksdb.estimate-live-data-size") + details.get("rocksdb.cur-size-all-mem-tables")
            + details.get(CACHED_BYTES);
        long entries = details.get("rocksdb.estimate-num-keys") + details.get(CACHED_ENTRIES);
        states.add(new StateMetrics(column.name(), column.kind(), entries, bytes, details));
        if (db != null) {
          Map<String, String> stats = db.getMapProperty(column.handle(), "rocksdb.cfstats");
          stalls += parse(stats.get("total-stops")) + parse(stats.get("total-delays"));
        }
      }
      for (String property : DATABASE_PROPERTIES) {
        database.put(property, db == null ? 0 : db.getLongProperty(property));
      }
    } catch (RocksDBException e) {
      throw new RocksDbStateException(
          "cannot read the native properties of the RocksDB backend in " + where + ": " + e.getMessage(), e);
    }
    return new BackendMetrics(
        "rocksdb", states, memory.usageBytes(), memory.budgetBytes(), stalls, lastRestore, database);
  }

  private static long parse(String count) {
    return count == null ? 0 : (long) Double.parseDouble(count);
  }
}
