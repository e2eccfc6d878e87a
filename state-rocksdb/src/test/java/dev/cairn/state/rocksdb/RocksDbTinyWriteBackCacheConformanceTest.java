package dev.cairn.state.rocksdb;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.kit.ConformanceKit;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyGroupRange;
import org.junit.jupiter.api.AfterAll;

/**
 * The shared conformance kit on RocksDB backends whose write-back cache holds a few dozen entries
 * ({@link RocksDbStateBackend.Builder#writeBackCache}): nearly every operation evicts, so cached and
 * evicted values, values too large to cache, and flushes before scans and snapshots are all
 * exercised against the kit's oracle.
 */
class RocksDbTinyWriteBackCacheConformanceTest implements ConformanceKit {

  private static final RocksDbMemory MEMORY = RocksDbMemory.create(64L << 20);
  private static final TestDirectories DIRECTORIES = new TestDirectories("cairn-rocksdb-tiny-cache-");

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
        .writeBackCache(4096)
        .build();
  }
}
