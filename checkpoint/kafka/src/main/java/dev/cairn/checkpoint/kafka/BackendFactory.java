package dev.cairn.checkpoint.kafka;

import dev.cairn.state.KeyedStateBackend;
import org.apache.kafka.common.TopicPartition;

/**
 * Builds an empty backend for a partition this instance gained; the runner restores the partition's
 * last checkpoint into it and closes it when the partition goes. Every partition gets its own.
 *
 * @param <S> the state's key type
 */
@FunctionalInterface
public interface BackendFactory<S> {

  /** Returns a new, empty backend for {@code partition}. */
  KeyedStateBackend<S> create(TopicPartition partition);
}
