package dev.cairn.state.rocksdb;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionStyle;
import org.rocksdb.DBOptions;

/**
 * Predefined RocksDB option sets for the storage a backend's working directory lives on. Applied
 * before the memory settings and the user's {@link RocksDbOptionsCustomizer}, which win over it.
 */
public enum RocksDbProfile {

  /**
   * Conservative settings for any storage: level compaction, two background jobs, 4 KiB blocks.
   */
  DEFAULT {
    @Override
    void apply(DBOptions db, ColumnFamilyOptions columnFamily, BlockBasedTableConfig table) {
      db.setMaxBackgroundJobs(2);
    }
  },

  /**
   * Local SSDs: more background jobs so compaction keeps up with fast writes, and background syncs
   * in 1 MiB steps so file writes never stall on one large sync.
   */
  FLASH_SSD {
    @Override
    void apply(DBOptions db, ColumnFamilyOptions columnFamily, BlockBasedTableConfig table) {
      db.setMaxBackgroundJobs(4).setBytesPerSync(1L << 20);
    }
  },

  /**
   * Spinning disks: larger blocks and files and compaction read-ahead, for fewer and longer
   * sequential reads.
   */
  SPINNING_DISK {
    @Override
    void apply(DBOptions db, ColumnFamilyOptions columnFamily, BlockBasedTableConfig table) {
      db.setMaxBackgroundJobs(4).setBytesPerSync(1L << 20).setCompactionReadaheadSize(2L << 20);
      columnFamily.setTargetFileSizeBase(256L << 20).setMaxBytesForLevelBase(1L << 30);
      table.setBlockSize(16L << 10);
    }
  };

  /** Applies the common base, then this profile's settings. */
  void configure(DBOptions db, ColumnFamilyOptions columnFamily, BlockBasedTableConfig table) {
    columnFamily.setCompactionStyle(CompactionStyle.LEVEL).setLevelCompactionDynamicLevelBytes(true);
    table.setBlockSize(4L << 10);
    apply(db, columnFamily, table);
  }

  abstract void apply(DBOptions db, ColumnFamilyOptions columnFamily, BlockBasedTableConfig table);
}
