package dev.cairn.state.kit;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyGroupRange;

/**
 * The one thing a backend provides to run the conformance kit: a factory for new, empty backends.
 * See {@link ConformanceKit}.
 */
public interface KitFixture {

  /**
   * Creates a new, empty, open backend. The kit closes every backend it creates.
   *
   * @param keySerializer the key serializer
   * @param maxParallelism the number of key groups
   * @param keyGroupRange the key groups the backend owns
   */
  <K> KeyedStateBackend<K> createBackend(
      TypeSerializer<K> keySerializer, int maxParallelism, KeyGroupRange keyGroupRange);
}
