package dev.cairn.ttl;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyGroupRange;
import java.time.Duration;
import java.time.InstantSource;

/**
 * The whole conformance kit over a TTL-wrapped RocksDB backend whose TTL never fires, with snapshot
 * cleanup on and the default incremental cleanup off. The key-visiting cleanups are backend-independent code (the heap kit runs them all);
 * here they would only triple the time of the million-key test.
 */
class TtlRocksDbConformanceTest implements TtlConformance {

  private static final TtlConfig NEVER_FIRES = TtlConfig.builder(Duration.ofDays(365_000))
      .cleanupInFullSnapshot()
      .disableCleanupInBackground()
      .build();

  @Override
  public <K> KeyedStateBackend<K> createBackend(
      TypeSerializer<K> keySerializer, int maxParallelism, KeyGroupRange keyGroupRange) {
    return TtlStateBackend.wrap(
        Backends.ROCKSDB.create(keySerializer, maxParallelism, keyGroupRange),
        NEVER_FIRES,
        InstantSource.system());
  }
}
