package dev.cairn.ttl;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyGroupRange;
import java.time.Duration;
import java.time.InstantSource;

/**
 * The whole conformance kit over a TTL-wrapped heap backend whose TTL never fires, with every
 * cleanup option on: the decorator is transparent.
 */
class TtlHeapConformanceTest implements TtlConformance {

  /** A TTL that never fires (the expiry time is clamped to Long.MAX_VALUE), with every cleanup on. */
  static final TtlConfig NEVER_FIRES = TtlConfig.builder(Duration.ofMillis(Long.MAX_VALUE))
      .cleanupInFullSnapshot()
      .cleanupIncrementally(3)
      .cleanupOnEveryRecord(1)
      .cleanupPeriodically(Duration.ofMillis(1), 5)
      .build();

  @Override
  public <K> KeyedStateBackend<K> createBackend(
      TypeSerializer<K> keySerializer, int maxParallelism, KeyGroupRange keyGroupRange) {
    return TtlStateBackend.wrap(
        Backends.HEAP.create(keySerializer, maxParallelism, keyGroupRange), NEVER_FIRES, InstantSource.system());
  }
}
