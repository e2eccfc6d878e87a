package dev.cairn.state.rocksdb;

import dev.cairn.state.State;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.StateKind;
import dev.cairn.state.spi.StateMetaInfo;
import org.rocksdb.ColumnFamilyHandle;

/**
 * One state of a backend: its column family and what is known about it. A restored state starts
 * with the meta info of the snapshot and {@code restored} set; its first registration checks the
 * descriptor against it ({@link StateMetaInfo#checkRestorableAs}) and adopts the descriptor's. The
 * handle is null until the backend creates the column family, together with every other pending one.
 */
final class RocksDbColumn {

  final String name;
  ColumnFamilyHandle handle;
  StateMetaInfo meta;
  boolean restored;
  StateDescriptor<?> descriptor;
  State state;
  /**
   * The state's live (not deleted) dirty entries in the write-back cache and their bytes, as of the
   * last snapshot or flush of the state: for metrics, read on any thread.
   */
  volatile long cachedEntries;
  volatile long cachedBytes;

  RocksDbColumn(String name, ColumnFamilyHandle handle, StateMetaInfo meta, boolean restored) {
    this.name = name;
    this.handle = handle;
    this.meta = meta;
    this.restored = restored;
  }

  StateKind kind() {
    return meta.kind();
  }
}
