package dev.cairn.state.heap;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.kit.ConformanceKit;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyGroupRange;

/** Runs the whole conformance kit on the heap backend. */
class HeapBackendConformanceTest implements ConformanceKit {

  @Override
  public <K> KeyedStateBackend<K> createBackend(
      TypeSerializer<K> keySerializer, int maxParallelism, KeyGroupRange keyGroupRange) {
    return HeapStateBackend.builder(keySerializer)
        .maxParallelism(maxParallelism)
        .keyGroupRange(keyGroupRange)
        .build();
  }
}
