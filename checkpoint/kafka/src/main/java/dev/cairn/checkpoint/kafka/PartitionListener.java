package dev.cairn.checkpoint.kafka;

import java.time.Duration;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;

/**
 * Hears, on the runner's thread, when this instance took over or gave up a partition's state: for
 * logs, metrics and tests. Exceptions thrown here are logged and ignored.
 */
public interface PartitionListener {

  /**
   * The partition's state is restored and its processor created; its records are processed from
   * {@code offset} on (-1: from the log's beginning, the partition had no checkpoint).
   *
   * @param checkpointId the checkpoint restored, or empty if none
   * @param took from the assignment (before waiting for the previous owner's lease) until now
   */
  default void onPartitionRestored(TopicPartition partition, OptionalLong checkpointId, long offset, Duration took) {}

  /**
   * The partition's state is dropped.
   *
   * @param checkpointId the checkpoint taken on release (revocation or shutdown) with everything
   *     processed up to {@code offset}; empty if none was taken (the partition was lost, or the
   *     checkpoint failed: its next owner replays from an earlier one)
   * @param took from the revocation until the state was dropped and the lease released
   */
  default void onPartitionReleased(TopicPartition partition, OptionalLong checkpointId, long offset, Duration took) {}
}
