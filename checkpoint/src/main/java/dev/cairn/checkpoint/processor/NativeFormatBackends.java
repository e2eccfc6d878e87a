package dev.cairn.checkpoint.processor;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.spi.KeyGroupRange;

/**
 * Builds the backends that read a backend's own snapshot formats (incremental checkpoints: {@code
 * rocksdb-native-v1}, {@code heap-incremental-v1}) for {@link SavepointReader#open(java.nio.file.Path,
 * NativeFormatBackends)}: the reader restores each such participant into a new backend, takes a
 * canonical snapshot of it into a temporary file, closes the backend, and reads that file like a
 * savepoint's. The checkpoint module knows no backend, so the application, which has them, supplies
 * this:
 *
 * <pre>{@code
 * NativeFormatBackends backends = (format, maxParallelism, range) -> format.startsWith("rocksdb")
 *     ? RocksDbStateBackend.builder(Serializers.STRING).maxParallelism(maxParallelism).keyGroupRange(range).build()
 *     : HeapStateBackend.builder(Serializers.STRING).maxParallelism(maxParallelism).keyGroupRange(range).build();
 * }</pre>
 */
@FunctionalInterface
public interface NativeFormatBackends {

  /**
   * Returns a new, empty backend of the kind that wrote {@code format}, with the job's key
   * serializer, {@code maxParallelism} and {@code keyGroupRange}. It is restored, snapshotted and
   * closed on the calling thread.
   */
  KeyedStateBackend<?> backendFor(String format, int maxParallelism, KeyGroupRange keyGroupRange);
}
