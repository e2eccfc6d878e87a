package dev.cairn.checkpoint.kafka;

import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.serde.Serializers;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A {@link KafkaStateRunner} of the per-user aggregation on its own thread in the test JVM, recording
 * what it did: hand-overs (with {@link System#nanoTime()} stamps), processors created, records processed,
 * the first record processed after each restore, and how {@code run()} ended.
 */
final class RunnerThread {

  /** A hand-over seen by the listener; {@code startNanos} is when it began, {@code endNanos} when it ended. */
  record HandOver(String kind, int partition, OptionalLong checkpointId, long offset, long startNanos, long endNanos) {}

  final String name;
  final KafkaStateRunner<String, String, String> runner;
  final List<HandOver> handOvers = new CopyOnWriteArrayList<>();
  final AtomicInteger processorsCreated = new AtomicInteger();
  final AtomicLong processed = new AtomicLong();
  /** Per partition, the offset after the last record processed (a replay after a fencing moves it back). */
  final Map<Integer, Long> positions = new ConcurrentHashMap<>();
  /** Per partition, when the first record after the latest restore was processed. */
  final Map<Integer, Long> firstRecordNanos = new ConcurrentHashMap<>();
  final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;

  RunnerThread(String name, String group, String topic, String location, Duration leaseWait) {
    this(name, group, topic, location, leaseWait, Duration.ofMillis(500));
  }

  RunnerThread(String name, String group, String topic, String location, Duration leaseWait, Duration interval) {
    this.name = name;
    Map<String, Object> consumer = new HashMap<>();
    consumer.put("bootstrap.servers", KafkaBroker.get().bootstrapServers());
    consumer.put("group.id", group);
    // a slow machine's pauses must not fence a member: no test that runs a RunnerThread relies on fencing
    consumer.put("session.timeout.ms", "20000");
    consumer.put("heartbeat.interval.ms", "500");
    runner = KafkaStateRunner.builder(consumer, new StringDeserializer(), new StringDeserializer(),
            partition -> HeapStateBackend.builder(Serializers.STRING).build())
        .topic(topic)
        .checkpointLocation(location)
        .checkpointInterval(interval)
        .leaseWaitTimeout(leaseWait)
        .processor((partition, backend) -> {
          processorsCreated.incrementAndGet();
          UserAggregation aggregation = new UserAggregation(backend);
          firstRecordNanos.remove(partition.partition());
          return record -> {
            aggregation.process(record);
            processed.incrementAndGet();
            positions.put(partition.partition(), record.offset() + 1);
            firstRecordNanos.putIfAbsent(partition.partition(), System.nanoTime());
          };
        })
        .listener(new PartitionListener() {
          @Override
          public void onPartitionRestored(TopicPartition p, OptionalLong id, long offset, Duration took) {
            long now = System.nanoTime();
            handOvers.add(new HandOver("restored", p.partition(), id, offset, now - took.toNanos(), now));
          }

          @Override
          public void onPartitionReleased(TopicPartition p, OptionalLong id, long offset, Duration took) {
            long now = System.nanoTime();
            handOvers.add(new HandOver("released", p.partition(), id, offset, now - took.toNanos(), now));
          }
        })
        .build();
    thread = new Thread(() -> {
      try {
        runner.run();
      } catch (Throwable t) {
        failure.set(t);
      }
    }, "runner-" + name);
    thread.start();
  }

  /** Partitions restored and not released since. */
  long owned() {
    return handOvers.stream().filter(h -> h.kind().equals("restored")).count()
        - handOvers.stream().filter(h -> h.kind().equals("released")).count();
  }

  /**
   * Whether this runner has processed every partition up to {@code ends} (from {@link
   * KafkaBroker#endOffsets}): a condition that, unlike a count of records processed, a replay cannot skip.
   */
  boolean caughtUp(Map<Integer, Long> ends) {
    return ends.entrySet().stream().allMatch(end -> positions.getOrDefault(end.getKey(), 0L) >= end.getValue());
  }

  boolean finished() {
    return !thread.isAlive();
  }

  void await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        // everything a diagnosis needs: what the runner did, and where its thread (and every other) is now
        System.out.println(threadDump());
        throw new AssertionError(name + ": timed out waiting for " + what + " after " + timeout.toSeconds() + " s; "
            + processed.get() + " records processed, next offsets " + positions + ", hand-overs " + handOvers
            + ", failure " + failure.get()
            + "; runner thread " + thread.getState() + " at " + Arrays.toString(thread.getStackTrace())
            + " (all threads: the test's output)");
      }
      Thread.sleep(10);
    }
  }

  private static String threadDump() {
    StringBuilder dump = new StringBuilder("Thread dump:\n");
    Thread.getAllStackTraces().forEach((t, frames) -> {
      dump.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
      for (StackTraceElement frame : frames) {
        dump.append("\tat ").append(frame).append('\n');
      }
    });
    return dump.toString();
  }

  /** Stops the runner and waits for run() to return. */
  void stop() throws InterruptedException {
    runner.stop();
    thread.join(60_000);
    if (thread.isAlive()) {
      throw new AssertionError(name + " did not stop in 60 s");
    }
  }
}
