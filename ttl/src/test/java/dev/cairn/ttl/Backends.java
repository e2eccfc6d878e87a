package dev.cairn.ttl;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyGroupRange;

/** The backends TTL is tested over. */
enum Backends {
  HEAP {
    @Override
    <K> KeyedStateBackend<K> create(TypeSerializer<K> keySerializer, int maxParallelism, KeyGroupRange range) {
      return HeapStateBackend.builder(keySerializer).maxParallelism(maxParallelism).keyGroupRange(range).build();
    }
  },
  ROCKSDB {
    @Override
    <K> KeyedStateBackend<K> create(TypeSerializer<K> keySerializer, int maxParallelism, KeyGroupRange range) {
      return RocksDbStateBackend.builder(keySerializer)
          .maxParallelism(maxParallelism)
          .keyGroupRange(range)
          .memoryBudget(16L << 20)
          .build();
    }
  };

  abstract <K> KeyedStateBackend<K> create(TypeSerializer<K> keySerializer, int maxParallelism, KeyGroupRange range);

  <K> KeyedStateBackend<K> create(TypeSerializer<K> keySerializer) {
    return create(keySerializer, 128, KeyGroupRange.all(128));
  }
}
