package dev.cairn.checkpoint.kafka;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Reads what the instances left: each partition's latest checkpoint, restored from the shared storage
 * into a fresh backend (a real restore, under the partition's lease), as per-user result lines and
 * the checkpointed offset.
 */
final class PartitionResults {

  final Map<String, String> perUser = new TreeMap<>();
  final Map<Integer, Long> offsets = new TreeMap<>();

  static PartitionResults read(String location, String topic, int partitions) {
    return read(location, topic, partitions, "heap");
  }

  /** {@code kind}: the backend the instances ran (incremental checkpoints restore into their own kind only). */
  static PartitionResults read(String location, String topic, int partitions, String kind) {
    PartitionResults results = new PartitionResults();
    for (int p = 0; p < partitions; p++) {
      try (KeyedStateBackend<String> backend = kind.equals("rocksdb")
              ? RocksDbStateBackend.builder(Serializers.STRING).build()
              : HeapStateBackend.builder(Serializers.STRING).build();
          CheckpointCoordinator coordinator =
              CheckpointCoordinator.builder(KafkaStateRunner.partitionLocation(location, p)).build()) {
        OperatorStateStore operatorState = new OperatorStateStore();
        coordinator.register(backend, operatorState);
        OptionalLong restored = coordinator.restoreLatest();
        if (restored.isEmpty()) {
          results.offsets.put(p, -1L);
          continue;
        }
        for (Long offset : operatorState.getListState(KafkaStateRunner.OFFSET_STATE, Serializers.LONG).get()) {
          results.offsets.put(p, offset);
        }
        for (String owner : operatorState.getListState(KafkaStateRunner.PARTITION_STATE, Serializers.STRING).get()) {
          if (!owner.equals(topic + "/" + p)) {
            throw new AssertionError("partition " + p + "'s checkpoint names " + owner);
          }
        }
        Map<String, String> lines = new UserAggregation(backend).results();
        for (Map.Entry<String, String> e : lines.entrySet()) {
          if (results.perUser.put(e.getKey(), e.getValue()) != null) {
            throw new AssertionError("user " + e.getKey() + " has state in two partitions");
          }
        }
      }
    }
    return results;
  }
}
