package dev.cairn.checkpoint.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Processes the records of one partition against that partition's keyed state, on the runner's thread
 * (the task thread of the partition's backend). Created per partition and ownership by a {@link
 * ProcessorFactory}, which obtains the state handles.
 *
 * @param <K> the records' key type
 * @param <V> the records' value type
 */
@FunctionalInterface
public interface RecordProcessor<K, V> {

  /**
   * Applies one record. Set the backend's current key, then read and update state. An exception stops
   * the runner (nothing of this record's offset is checkpointed; the partition's next owner replays
   * it from the last checkpoint).
   */
  void process(ConsumerRecord<K, V> record) throws Exception;
}
