package dev.cairn.state.rocksdb;

import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * A user hook that adjusts the RocksDB options of a backend after Cairn has applied the {@link
 * RocksDbProfile profile} and the {@link RocksDbMemory memory} settings. Called once per backend for
 * the database options and once for the column-family options every state of that backend uses.
 *
 * <p>The hook must not close the options it gets, and should not replace the table format config,
 * the write-buffer manager or the merge operator: the shared block cache, the memory budget and
 * {@link dev.cairn.state.ListState} depend on them.
 */
@FunctionalInterface
public interface RocksDbOptionsCustomizer {

  /**
   * Adjusts the options in place.
   *
   * @param dbOptions the database options of the backend being built
   * @param columnFamilyOptions the options of every column family (one per state) of that backend
   */
  void customize(DBOptions dbOptions, ColumnFamilyOptions columnFamilyOptions);
}
