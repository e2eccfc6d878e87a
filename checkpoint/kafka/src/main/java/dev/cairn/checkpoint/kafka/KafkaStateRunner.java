package dev.cairn.checkpoint.kafka;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointException;
import dev.cairn.checkpoint.CompletedCheckpoint;
import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.state.StateException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a Kafka consumer group whose keyed state follows its partitions: the instance that owns
 * a partition owns that partition's Cairn state, and only it.
 *
 * <ul>
 *   <li><b>State per partition.</b> Each partition of the topic has its own backend and {@link
 *       CheckpointCoordinator}, checkpointing to its own location {@code <checkpointLocation>/partition-<n>}
 *       on shared storage (S3, HDFS; a local path for instances on one machine). A key's state lives in
 *       the partition its records are written to, so producers must key records by the state's key
 *       (Kafka's default partitioner then sends all of a key's records to one partition).
 *   <li><b>Exactly-once with respect to state.</b> Each checkpoint holds the partition's state and the
 *       offset of its next record, captured together between two records. On gaining a partition the
 *       instance restores its latest checkpoint and seeks to that offset (a partition without checkpoint
 *       is read from its beginning), so every record is applied to the state exactly once, whatever
 *       crashed. Kafka's committed offsets are never read; they are committed after each completed
 *       checkpoint for monitoring (consumer lag), unless turned off.
 *   <li><b>Rebalance.</b> A partition revoked from this instance is checkpointed, then its lease is
 *       released and its state dropped ({@link ConsumerRebalanceListener#onPartitionsRevoked}); a
 *       partition lost (this member was fenced) is dropped without checkpoint. A partition gained is
 *       restored before any of its records is processed. With the default cooperative-sticky assignor
 *       only moving partitions stop, and a partition is assigned to its next owner only after the
 *       previous one revoked it.
 *   <li><b>One owner at a time.</b> A partition's checkpoint location has a lease (the storage's: an
 *       S3 lease object, an OS lock locally). The next owner restores only once it holds it: at once
 *       after a clean hand-over, after the lease expired if the previous owner crashed (S3: {@code
 *       leaseDuration + maxClockSkew}, set in the location URI), and never while a previous owner that
 *       has not yet noticed the rebalance still renews it (it waits up to {@link
 *       Builder#leaseWaitTimeout}, then fails).
 * </ul>
 *
 * <p>All processing, checkpoint triggers, restores and releases run on the thread that calls {@link
 * #run()}, the task thread of every partition's backend. {@link #stop()} may be called from any thread
 * (a shutdown hook, say): {@code run()} then checkpoints and releases every partition it owns, leaves the
 * group and returns.
 *
 * <pre>{@code
 * KafkaStateRunner<String, String, String> runner = KafkaStateRunner.builder(
 *         Map.of("bootstrap.servers", "kafka:9092", "group.id", "per-user"),
 *         new StringDeserializer(), new StringDeserializer(),
 *         partition -> HeapStateBackend.builder(Serializers.STRING).build())
 *     .topic("events")
 *     .checkpointLocation("s3://my-bucket/jobs/per-user")
 *     .checkpointInterval(Duration.ofSeconds(10))
 *     .processor((partition, backend) -> {
 *       ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG, 0L));
 *       return record -> {
 *         backend.setCurrentKey(record.key());
 *         count.update(count.value() + 1);
 *       };
 *     })
 *     .build();
 * runner.run();   // until stop()
 * }</pre>
 *
 * <p>The number of partitions bounds the parallelism: with more instances than partitions, the extra
 * ones own nothing and idle, ready to take over.
 *
 * @param <K> the records' key type
 * @param <V> the records' value type
 * @param <S> the state's key type
 */
public final class KafkaStateRunner<K, V, S> {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaStateRunner.class);

  /** Operator state of each partition's checkpoint: the offset of the next record to process. */
  public static final String OFFSET_STATE = "kafka-next-offset";
  /** Operator state of each partition's checkpoint: {@code <topic>/<partition>}, checked on restore. */
  public static final String PARTITION_STATE = "kafka-partition";

  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  private final Builder<K, V, S> config;
  private final Map<TopicPartition, PartitionTask<K, V, S>> tasks = new LinkedHashMap<>();
  private volatile boolean stopped;
  private volatile KafkaConsumer<K, V> consumer;
  private boolean ran;

  private KafkaStateRunner(Builder<K, V, S> config) {
    this.config = config;
  }

  /**
   * Starts configuring a runner.
   *
   * @param consumerConfig the consumer's configuration: at least {@code bootstrap.servers} and {@code
   *     group.id}. The runner sets {@code enable.auto.commit=false} (refusing {@code true}), and unless
   *     given, {@code auto.offset.reset=none} (a checkpointed offset no longer in the log is an error,
   *     not a silent skip) and, with the classic group protocol (the default), the {@link
   *     CooperativeStickyAssignor}
   * @param backends builds each gained partition's (empty) backend
   */
  public static <K, V, S> Builder<K, V, S> builder(
      Map<String, ?> consumerConfig, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer,
      BackendFactory<S> backends) {
    return new Builder<>(consumerConfig, keyDeserializer, valueDeserializer, backends);
  }

  /**
   * Returns the checkpoint location of {@code partition} under {@code root}: {@code
   * <root>/partition-<n>}, a path under a plain path, a key prefix under a URI (before its options).
   */
  public static String partitionLocation(String root, int partition) {
    String name = "partition-" + partition;
    if (!CheckpointStorage.URI_LOCATION.matcher(root).matches()) {
      return Path.of(root).resolve(name).toString();
    }
    int query = root.indexOf('?');
    String base = query < 0 ? root : root.substring(0, query);
    String options = query < 0 ? "" : root.substring(query);
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + "/" + name + options;
  }

  /**
   * Subscribes to the topic and processes its records until {@link #stop()}; then checkpoints and
   * releases every partition this instance owns, leaves the group and returns. Call once.
   *
   * @throws CheckpointException if a partition's checkpoints fail more often than tolerated, its
   *     previous owner's lease is not released within the lease wait, or its checkpoint location holds
   *     another partition's checkpoints
   * @throws KafkaException if the consumer fails (a checkpointed offset no longer in the log, say)
   * @throws RuntimeException what a processor threw (the partition's next owner replays from its last
   *     checkpoint)
   */
  public void run() {
    synchronized (this) {
      if (ran) {
        throw new IllegalStateException("run() was called already: a runner runs once");
      }
      ran = true;
    }
    KafkaConsumer<K, V> kafka = new KafkaConsumer<>(config.consumerProperties(), config.keyDeserializer,
        config.valueDeserializer);
    consumer = kafka;
    boolean failed = true;
    try {
      kafka.subscribe(List.of(config.topic), new Rebalance());
      while (!stopped) {
        ConsumerRecords<K, V> records;
        try {
          records = kafka.poll(POLL_TIMEOUT);
        } catch (WakeupException e) {
          if (stopped) {
            break;
          }
          throw e;
        } catch (KafkaException e) {
          if (stopped) {
            break; // stop() while a gained partition waited for its lease
          }
          // the consumer wraps what the rebalance listener threw (a restore or lease failure): rethrow that
          if (e.getCause() instanceof StateException failure) {
            throw failure;
          }
          throw e;
        }
        for (TopicPartition partition : records.partitions()) {
          PartitionTask<K, V, S> task = tasks.get(partition);
          if (task == null) {
            continue; // no longer ours: the next owner processes it from its checkpoint
          }
          for (ConsumerRecord<K, V> record : records.records(partition)) {
            task.process(record);
          }
        }
        long now = System.nanoTime();
        for (PartitionTask<K, V, S> task : tasks.values()) {
          task.checkpointIfDue(now, config.interval);
        }
        commitForMonitoring(kafka);
      }
      failed = false;
    } finally {
      // a clean stop hands every partition over with a checkpoint; after a failure the state in memory
      // may be half-updated by the failing record: dropped, the next owner replays from the last checkpoint
      releaseAll(!failed);
      try {
        kafka.close();
      } catch (RuntimeException e) {
        LOG.warn("Closing the Kafka consumer of topic {} failed", config.topic, e);
      }
      consumer = null;
    }
  }

  /**
   * Asks {@link #run()} to finish: it checkpoints and releases its partitions, leaves the group and
   * returns. Any thread; idempotent.
   */
  public void stop() {
    stopped = true;
    KafkaConsumer<K, V> kafka = consumer;
    if (kafka != null) {
      kafka.wakeup();
    }
  }

  private void commitForMonitoring(KafkaConsumer<K, V> kafka) {
    if (!config.commitOffsets) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (PartitionTask<K, V, S> task : tasks.values()) {
      long completed = task.completedOffset();
      if (completed > task.committedOffset) {
        offsets.put(task.partition, new OffsetAndMetadata(completed));
        task.committedOffset = completed;
      }
    }
    if (!offsets.isEmpty()) {
      kafka.commitAsync(offsets, (done, e) -> {
        if (e != null) {
          LOG.debug("Committing offsets {} for monitoring failed (checkpoints are unaffected)", done, e);
        }
      });
    }
  }

  private void releaseAll(boolean checkpoint) {
    for (TopicPartition partition : new ArrayList<>(tasks.keySet())) {
      release(partition, checkpoint);
    }
  }

  private void release(TopicPartition partition, boolean checkpoint) {
    PartitionTask<K, V, S> task = tasks.remove(partition);
    if (task == null) {
      return;
    }
    long start = System.nanoTime();
    OptionalLong checkpointId = OptionalLong.empty();
    try {
      if (checkpoint) {
        checkpointId = task.finalCheckpoint();
        if (checkpointId.isPresent() && config.commitOffsets && consumer != null) {
          try {
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(task.position)));
          } catch (KafkaException e) {
            LOG.debug("Committing offset {} of {} for monitoring failed (checkpoints are unaffected)",
                task.position, partition, e);
          }
        }
      }
    } finally {
      task.close();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    OptionalLong released = checkpointId;
    LOG.info("Released {} at offset {} ({}) in {} ms", partition, task.position,
        checkpointId.isPresent() ? "checkpoint " + checkpointId.getAsLong() : "no checkpoint", took.toMillis());
    notifyListener(() -> config.listener.onPartitionReleased(partition, released, task.position, took));
  }

  private void acquire(TopicPartition partition) {
    if (tasks.containsKey(partition)) {
      return;
    }
    long start = System.nanoTime();
    PartitionTask<K, V, S> task = PartitionTask.open(partition, config, start, () -> stopped);
    tasks.put(partition, task);
    if (task.position >= 0) {
      consumer.seek(partition, task.position);
    } else {
      consumer.seekToBeginning(List.of(partition));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    LOG.info("Took over {}: {} in {} ms", partition,
        task.restored.isPresent()
            ? "restored checkpoint " + task.restored.getAsLong() + ", resuming at offset " + task.position
            : "no checkpoint, reading from the beginning", took.toMillis());
    notifyListener(() -> config.listener.onPartitionRestored(partition, task.restored, task.position, took));
  }

  private static void notifyListener(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("PartitionListener failed; ignored", e);
    }
  }

  /** Hand-over on rebalance; Kafka calls it inside poll(), on the runner's thread. */
  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      for (TopicPartition partition : partitions) {
        release(partition, true);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // this member was fenced: the partitions may have a new owner already, which holds their leases
      // or will; a checkpoint now would be refused or, worse, race it
      for (TopicPartition partition : partitions) {
        LOG.warn("Lost {} without revocation (this member was fenced); dropping its state uncheckpointed", partition);
        release(partition, false);
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition partition : partitions) {
        acquire(partition);
      }
    }
  }

  /**
   * Configures a {@link KafkaStateRunner}. Topic, checkpoint location and processor are required.
   *
   * @param <K> the records' key type
   * @param <V> the records' value type
   * @param <S> the state's key type
   */
  public static final class Builder<K, V, S> {
    private final Map<String, Object> consumerConfig;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    final BackendFactory<S> backends;
    String topic;
    String location;
    ProcessorFactory<K, V, S> processors;
    Duration interval = Duration.ofSeconds(10);
    Duration leaseWait = Duration.ofMinutes(2);
    boolean commitOffsets = true;
    Consumer<CheckpointCoordinator.Builder> checkpoints = b -> {};
    PartitionListener listener = new PartitionListener() {};

    private Builder(Map<String, ?> consumerConfig, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer,
        BackendFactory<S> backends) {
      if (consumerConfig == null || keyDeserializer == null || valueDeserializer == null || backends == null) {
        throw new IllegalArgumentException("consumer configuration, deserializers and backend factory must not be null");
      }
      for (String required : List.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ConsumerConfig.GROUP_ID_CONFIG)) {
        if (consumerConfig.get(required) == null) {
          throw new IllegalArgumentException("consumer configuration needs " + required);
        }
      }
      Object autoCommit = consumerConfig.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
      if (autoCommit != null && Boolean.parseBoolean(autoCommit.toString())) {
        throw new IllegalArgumentException(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG + "=true: offsets come from"
            + " Cairn's checkpoints; the runner commits them itself, after each checkpoint, for monitoring");
      }
      this.consumerConfig = new HashMap<>(consumerConfig);
      this.keyDeserializer = keyDeserializer;
      this.valueDeserializer = valueDeserializer;
      this.backends = backends;
    }

    /** The topic to consume (one topic; each of its partitions has its own state). */
    public Builder<K, V, S> topic(String topic) {
      if (topic == null || topic.isBlank()) {
        throw new IllegalArgumentException("topic must not be empty");
      }
      this.topic = topic;
      return this;
    }

    /**
     * Where checkpoints go: a URI such as {@code s3://bucket/prefix?...} (its storage module on the class
     * path) or a plain path; partition {@code n} checkpoints to {@code <location>/partition-<n>} ({@link
     * KafkaStateRunner#partitionLocation(String, int)}). Every instance of the group must use the same
     * location.
     */
    public Builder<K, V, S> checkpointLocation(String location) {
      if (location == null || location.isBlank()) {
        throw new IllegalArgumentException("checkpoint location must not be empty");
      }
      this.location = location;
      return this;
    }

    /** Creates each gained partition's processor, after its restore. */
    public Builder<K, V, S> processor(ProcessorFactory<K, V, S> processors) {
      this.processors = Objects.requireNonNull(processors, "processor factory");
      return this;
    }

    /** How often each partition is checkpointed (default 10 s); also on every revocation and stop. */
    public Builder<K, V, S> checkpointInterval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("checkpoint interval must be positive, got " + interval);
      }
      this.interval = interval;
      return this;
    }

    /**
     * How long a gained partition waits for a previous owner that still renews the partition's lease
     * (one that has not yet noticed the rebalance) before {@link KafkaStateRunner#run()} fails (default
     * 2 min). A crashed owner's lease is waited for until it expires, which the storage bounds. Keep the
     * consumer's {@code max.poll.interval.ms} above this plus a restore's time.
     */
    public Builder<K, V, S> leaseWaitTimeout(Duration wait) {
      if (wait == null || wait.isNegative()) {
        throw new IllegalArgumentException("lease wait must not be negative, got " + wait);
      }
      this.leaseWait = wait;
      return this;
    }

    /** Whether offsets are committed to Kafka after each checkpoint, for monitoring (default true). */
    public Builder<K, V, S> commitOffsetsForMonitoring(boolean commit) {
      this.commitOffsets = commit;
      return this;
    }

    /**
     * Further options of each partition's coordinator ({@code incrementalCheckpoints()}, {@code
     * retainedCheckpoints(n)}, {@code timeout(...)}); not {@code interval}: the runner triggers
     * checkpoints itself, every {@link #checkpointInterval}.
     */
    public Builder<K, V, S> checkpoints(Consumer<CheckpointCoordinator.Builder> options) {
      this.checkpoints = Objects.requireNonNull(options, "checkpoint options");
      return this;
    }

    /** Hears hand-overs of partitions. */
    public Builder<K, V, S> listener(PartitionListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Returns the runner; nothing is connected before {@link KafkaStateRunner#run()}. */
    public KafkaStateRunner<K, V, S> build() {
      if (topic == null || location == null || processors == null) {
        throw new IllegalArgumentException("topic, checkpointLocation and processor are required");
      }
      return new KafkaStateRunner<>(this);
    }

    Map<String, Object> consumerProperties() {
      Map<String, Object> properties = new HashMap<>(consumerConfig);
      properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      properties.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
      Object protocol = properties.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
      if (protocol == null || protocol.toString().equalsIgnoreCase("classic")) {
        // the new protocol (group.protocol=consumer) assigns on the broker, incrementally, and refuses this setting
        properties.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
      }
      return properties;
    }
  }

  static CompletedCheckpoint join(java.util.concurrent.CompletableFuture<CompletedCheckpoint> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof StateException s) {
        throw s;
      }
      throw new CheckpointException("checkpoint failed: " + cause, cause);
    }
  }
}
