package dev.cairn.checkpoint.kafka;

import dev.cairn.state.KeyedStateBackend;
import org.apache.kafka.common.TopicPartition;

/**
 * Creates the processor of a partition this instance just gained, after its state was restored (or
 * found absent): register the states here ({@code backend.getState(descriptor)}) and keep the handles
 * in the processor.
 *
 * @param <K> the records' key type
 * @param <V> the records' value type
 * @param <S> the state's key type
 */
@FunctionalInterface
public interface ProcessorFactory<K, V, S> {

  /** Returns the processor of {@code partition}, whose keyed state is {@code backend}. */
  RecordProcessor<K, V> create(TopicPartition partition, KeyedStateBackend<S> backend);
}
