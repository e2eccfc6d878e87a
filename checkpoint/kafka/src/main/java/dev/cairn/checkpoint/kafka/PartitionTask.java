package dev.cairn.checkpoint.kafka;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointException;
import dev.cairn.checkpoint.CheckpointParticipant;
import dev.cairn.checkpoint.CompletedCheckpoint;
import dev.cairn.checkpoint.LocationInUseException;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.serde.Serializers;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One owned partition: its backend, its coordinator (holding the partition's lease), its processor and
 * the offset of its next record. Used on the runner's thread only, except the completion fields, which
 * checkpoint completions set from the coordinator's thread.
 */
final class PartitionTask<K, V, S> {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionTask.class);

  final TopicPartition partition;
  final String location;
  final OptionalLong restored;
  private final KeyedStateBackend<S> backend;
  private final CheckpointCoordinator coordinator;
  private final CheckpointParticipant participant;
  private RecordProcessor<K, V> processor;
  /** The offset of the next record to process; -1: from the log's beginning (nothing processed yet). */
  long position;
  /** The last offset committed to Kafka for monitoring. */
  long committedOffset = -1;
  private volatile long completedOffset;
  private volatile long completedId;
  private CompletableFuture<CompletedCheckpoint> pending;
  private long nextCheckpointNanos;

  private PartitionTask(TopicPartition partition, String location, KeyedStateBackend<S> backend,
      CheckpointCoordinator coordinator, CheckpointParticipant participant, OptionalLong restored, long position) {
    this.partition = partition;
    this.location = location;
    this.backend = backend;
    this.coordinator = coordinator;
    this.participant = participant;
    this.restored = restored;
    this.position = position;
    this.completedOffset = position;
    this.completedId = restored.orElse(-1);
  }

  /**
   * Takes the partition's lease (waiting for a previous owner), restores its latest checkpoint, creates
   * its processor and starts its coordinator.
   */
  static <K, V, S> PartitionTask<K, V, S> open(TopicPartition partition, KafkaStateRunner.Builder<K, V, S> config,
      long startNanos, BooleanSupplier stopped) {
    String location = KafkaStateRunner.partitionLocation(config.location, partition.partition());
    CheckpointCoordinator coordinator = openCoordinator(partition, location, config, startNanos, stopped);
    KeyedStateBackend<S> backend = null;
    try {
      backend = config.backends.create(partition);
      if (backend == null) {
        throw new IllegalStateException("the backend factory returned null for " + partition);
      }
      OperatorStateStore operatorState = new OperatorStateStore();
      CheckpointParticipant participant = coordinator.register(backend, operatorState);
      OptionalLong restored = coordinator.restoreLatest();
      ListState<Long> offsetState = operatorState.getListState(KafkaStateRunner.OFFSET_STATE, Serializers.LONG);
      ListState<String> owner = operatorState.getListState(KafkaStateRunner.PARTITION_STATE, Serializers.STRING);
      String self = partition.topic() + "/" + partition.partition();
      String stored = first(owner.get());
      if (restored.isPresent() && !self.equals(stored)) {
        throw new CheckpointException("checkpoint " + restored.getAsLong() + " at " + location + " holds the state of "
            + (stored == null ? "no Kafka partition" : "partition " + stored) + ", not of " + self
            + ": give each topic its own checkpoint location");
      }
      owner.update(List.of(self));
      Long offset = first(offsetState.get());
      long position = offset != null ? offset : -1;
      if (restored.isPresent() && position < -1) {
        throw new CheckpointException("checkpoint " + restored.getAsLong() + " at " + location
            + " holds an invalid offset " + position + " for " + self);
      }
      PartitionTask<K, V, S> task =
          new PartitionTask<>(partition, location, backend, coordinator, participant, restored, position);
      task.processor = config.processors.create(partition, backend);
      if (task.processor == null) {
        throw new IllegalStateException("the processor factory returned null for " + partition);
      }
      participant.beforeSnapshot(() -> offsetState.update(List.of(task.position)));
      coordinator.start();
      return task;
    } catch (RuntimeException e) {
      coordinator.close();
      if (backend != null) {
        backend.close();
      }
      throw e;
    }
  }

  private static CheckpointCoordinator openCoordinator(TopicPartition partition, String location,
      KafkaStateRunner.Builder<?, ?, ?> config, long startNanos, BooleanSupplier stopped) {
    long deadline = startNanos + config.leaseWait.toNanos();
    boolean logged = false;
    while (true) {
      CheckpointCoordinator.Builder builder = CheckpointCoordinator.builder(location);
      config.checkpoints.accept(builder);
      try {
        return builder.build(); // waits for a crashed owner's lease to expire
      } catch (LocationInUseException e) {
        if (stopped.getAsBoolean()) {
          throw new CheckpointException("stopped while waiting for the lease of " + location + " (" + partition + ")", e);
        }
        if (System.nanoTime() - deadline > 0) {
          throw new CheckpointException("the previous owner of " + partition + " still holds the lease of " + location
              + " after " + config.leaseWait.toMillis() + " ms (leaseWaitTimeout): it has not released the"
              + " partition's state; refusing to process it at the same time", e);
        }
        if (!logged) {
          LOG.info("{}: its previous owner still holds {}; waiting for it to release it", partition, location);
          logged = true;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new CheckpointException("interrupted while waiting for the lease of " + location, interrupted);
        }
      }
    }
  }

  private static <T> T first(Iterable<T> values) {
    for (T value : values) {
      return value;
    }
    return null;
  }

  /** Applies a record, unless it precedes the position (already in the state). */
  void process(ConsumerRecord<K, V> record) {
    if (record.offset() < position) {
      return;
    }
    try {
      processor.process(record);
    } catch (RuntimeException e) {
      LOG.error("Processing the record at offset {} of {} failed", record.offset(), partition, e);
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("processing the record at offset " + record.offset() + " of " + partition
          + " failed: " + e, e);
    }
    position = record.offset() + 1;
  }

  /** The safe point between polls: delivers checkpoint notifications, and checkpoints when due. */
  void checkpointIfDue(long nowNanos, java.time.Duration interval) {
    participant.checkpointIfPending();
    if (pending != null && !pending.isDone() || nowNanos - nextCheckpointNanos < 0 || position == completedOffset) {
      return;
    }
    nextCheckpointNanos = nowNanos + interval.toNanos();
    checkpoint();
  }

  private CompletableFuture<CompletedCheckpoint> checkpoint() {
    long offset = position;
    pending = participant.checkpointNow(); // takes the synchronous part here, with the offset
    pending.whenComplete((checkpoint, failure) -> {
      if (failure == null) {
        completedOffset = offset;
        completedId = checkpoint.checkpointId();
      }
    });
    return pending;
  }

  /** The offset of the latest completed checkpoint (set from the coordinator's thread). */
  long completedOffset() {
    return completedOffset;
  }

  /**
   * Checkpoints what was processed (unless the latest completed checkpoint has it already), waiting for
   * it to be durable; on failure logs it and returns empty: the next owner replays from an older one.
   */
  OptionalLong finalCheckpoint() {
    try {
      if (pending != null) {
        try {
          pending.join();
        } catch (RuntimeException e) {
          // logged by the coordinator; the final checkpoint below covers it
        }
      }
      participant.checkpointIfPending();
      if (position == completedOffset && completedId >= 0) {
        return OptionalLong.of(completedId);
      }
      if (position < 0) {
        return OptionalLong.empty(); // nothing processed, nothing restored: nothing to hand over
      }
      return OptionalLong.of(KafkaStateRunner.join(checkpoint()).checkpointId());
    } catch (RuntimeException e) {
      LOG.error("The checkpoint of {} on release failed; its next owner replays from the previous checkpoint",
          partition, e);
      return OptionalLong.empty();
    }
  }

  /** Stops checkpointing, releases the partition's lease and drops its state. */
  void close() {
    try {
      coordinator.close();
    } catch (RuntimeException e) {
      LOG.warn("Closing the coordinator of {} failed", partition, e);
    }
    try {
      backend.close();
    } catch (RuntimeException e) {
      LOG.warn("Closing the backend of {} failed", partition, e);
    }
  }
}
