package org.apache.flink.state.rocksdb;

import org.apache.flink.runtime.memory.OpaqueMemoryResource;
import org.rocksdb.RocksDB;

/**
 * Reaches Flink's package-private shared-memory setup for the baseline benchmarks: the bounded
 * block cache plus write-buffer manager charged to it that EmbeddedRocksDBStateBackend builds from
 * managed memory ({@code state.backend.rocksdb.memory.managed}), with Flink's default ratios.
 */
public final class CairnBenchmarkAccess {

  private CairnBenchmarkAccess() {}

  /**
   * Turns on incremental checkpoints ({@code execution.checkpointing.incremental: true}), which the
   * builder's package-private setter takes.
   */
  public static <K> RocksDBKeyedStateBackendBuilder<K> incremental(RocksDBKeyedStateBackendBuilder<K> builder) {
    return builder.setEnableIncrementalCheckpointing(true);
  }

  /**
   * Returns Flink's default RocksDB resources bounded to {@code budgetBytes}: write-buffer ratio 0.5,
   * high-priority pool ratio 0.1, no partitioned index/filters (Flink's defaults). Closing the
   * container frees the memory.
   */
  public static RocksDBResourceContainer boundedResources(long budgetBytes) {
    RocksDB.loadLibrary(); // frocksdb's LRUCache does not load the native library itself
    RocksDBSharedResources shared = RocksDBMemoryControllerUtils.allocateRocksDBSharedResources(
        budgetBytes, 0.5, 0.1, false, RocksDBMemoryControllerUtils.RocksDBMemoryFactory.DEFAULT);
    return new RocksDBResourceContainer(
        PredefinedOptions.DEFAULT, null, new OpaqueMemoryResource<>(shared, budgetBytes, shared::close));
  }
}
