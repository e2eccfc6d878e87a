package dev.cairn.state.rocksdb;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.kit.ConformanceKit;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyGroupRange;
import org.junit.jupiter.api.AfterAll;

/**
 * The shared conformance kit on RocksDB backends that cache rows ({@link
 * RocksDbStateBackend.Builder#cacheRows}) and have no write-back cache, so that every operation
 * reaches RocksDB: a cached row must never outlive a write, delete, merge, flush or restore. The
 * budget is half the plain kit's, so that its larger tests flush and evict.
 */
class RocksDbRowCacheConformanceTest implements ConformanceKit {

  private static final RocksDbMemory MEMORY = RocksDbMemory.create(64L << 20);
  private static final TestDirectories DIRECTORIES = new TestDirectories("cairn-rocksdb-rows-");

  @AfterAll
  static void release() {
    MEMORY.close();
    DIRECTORIES.close();
  }

  @Override
  public <K> KeyedStateBackend<K> createBackend(
      TypeSerializer<K> keySerializer, int maxParallelism, KeyGroupRange keyGroupRange) {
    return RocksDbStateBackend.builder(keySerializer)
        .maxParallelism(maxParallelism)
        .keyGroupRange(keyGroupRange)
        .workingDirectory(DIRECTORIES.next())
        .memory(MEMORY)
        .cacheRows()
        .writeBackCache(0)
        .build();
  }
}
