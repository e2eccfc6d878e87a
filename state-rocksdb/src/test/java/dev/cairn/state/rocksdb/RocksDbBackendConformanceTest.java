package dev.cairn.state.rocksdb;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.kit.ConformanceKit;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyGroupRange;
import org.junit.jupiter.api.AfterAll;

/** The shared conformance kit, unchanged, on RocksDB backends sharing one memory budget. */
class RocksDbBackendConformanceTest implements ConformanceKit {

  private static final RocksDbMemory MEMORY = RocksDbMemory.create(128L << 20);
  private static final TestDirectories DIRECTORIES = new TestDirectories("cairn-rocksdb-kit-");

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
        .build();
  }
}
