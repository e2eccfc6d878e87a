package dev.cairn.checkpoint.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.s3.S3ProxyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The per-user aggregation on a real KRaft broker with checkpoints on a real S3 server (s3proxy), its
 * instances in child JVMs: 1 instance, then 2 (a rebalance hands partitions over with their state), one
 * of them SIGKILLed mid-run (the survivor takes its partitions over once the group notices and the dead
 * owner's lease expires, restoring the dead owner's last checkpoint and replaying from its offset), then
 * a third joins and the survivor stops cleanly (hand-over by revocation). While this happens events
 * keep arriving. At the end each partition's last checkpoint must hold exactly the aggregates of
 * applying every produced event once, and its offset must be the partition's end. Heap backends with
 * full checkpoints by default; {@code -Dcairn.kafka.backend=rocksdb} and {@code
 * -Dcairn.kafka.incremental=true} choose others.
 */
class KafkaRescaleCrashTest {

  static final int PARTITIONS = 4;
  static final int USERS = 400;
  static final int MAX_EVENTS = 500_000;
  /** The instances' backend, {@code -Dcairn.kafka.backend=heap|rocksdb} (default heap). */
  static final String BACKEND = System.getProperty("cairn.kafka.backend", "heap");
  /** {@code -Dcairn.kafka.incremental=true}: incremental checkpoints instead of full ones. */
  static final boolean INCREMENTAL = Boolean.getBoolean("cairn.kafka.incremental");
  static final long SEED = Long.getLong("cairn.kafka.seed", System.nanoTime());

  /** The instances' stderr, kept for a failure's diagnosis. */
  Path dir;

  @Test
  void oneTwoOneWithSigkill_endsWithTheResultsOfAnUninterruptedRun() throws Exception {
    KafkaBroker broker = KafkaBroker.get();
    S3ProxyServer s3 = S3ProxyServer.get();
    String id = UUID.randomUUID().toString().substring(0, 8);
    dir = java.nio.file.Files.createDirectories(Path.of("target", "kafka-instances", "rescale-" + id));
    String topic = "events-" + id;
    broker.createTopic(topic, PARTITIONS);
    String location = s3.location("kafka-" + id, S3ProxyServer.CRASH_LEASE);
    String[] args = {"--bootstrap", broker.bootstrapServers(), "--topic", topic, "--group", "aggregation-" + id,
        "--location", location, "--backend", BACKEND, "--interval-ms", "300", INCREMENTAL ? "--incremental" : "--full"};

    Random random = new Random(SEED);
    List<String[]> events = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<Integer, Long> ends = new TreeMap<>();
    AtomicReference<Throwable> producerFailure = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean produce = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread producer = new Thread(() -> {
      // events keep arriving, about 2,000 a second, until the last phase: every hand-over below happens
      // mid-stream, however long the child JVMs take to start
      Random values = new Random(SEED + 1);
      try (KafkaProducer<String, String> p = broker.producer()) {
        for (int i = 0; produce.get() && i < MAX_EVENTS; i++) {
          String[] e = {"user-" + values.nextInt(USERS), UserAggregation.ACTIONS.get(values.nextInt(3)) + "," + values.nextInt(1000)};
          events.add(e);
          p.send(new ProducerRecord<>(topic, e[0], e[1]), (RecordMetadata m, Exception x) -> {
            if (x != null) {
              producerFailure.compareAndSet(null, x);
            } else {
              synchronized (ends) {
                ends.merge(m.partition(), m.offset() + 1, Math::max);
              }
            }
          });
          if (i % 100 == 99) {
            Thread.sleep(50);
          }
        }
        p.flush();
      } catch (Throwable t) {
        producerFailure.compareAndSet(null, t);
      }
    }, "producer");

    List<ChildInstance> all = new ArrayList<>();
    try {
      ChildInstance a = ChildInstance.start("a", dir, args);
      all.add(a);
      a.await("all partitions restored", i -> i.count("RESTORED") == PARTITIONS, Duration.ofSeconds(60));
      producer.start();
      Thread.sleep(2_000);

      // 1 -> 2: b joins; a revokes some partitions (checkpoint, release), b restores them
      ChildInstance b = ChildInstance.start("b", dir, args);
      all.add(b);
      b.await("partitions handed over", i -> i.count("RESTORED") > 0, Duration.ofSeconds(60));
      Thread.sleep(1_000 + random.nextInt(2_000));

      // 2 -> 1: b is SIGKILLed mid-run; a takes its partitions over after the session timeout and b's lease
      int bOwned = (int) b.count("RESTORED");
      b.kill();
      int aRestoredBefore = (int) a.count("RESTORED");
      a.await("b's partitions taken over", i -> i.count("RESTORED") >= aRestoredBefore + bOwned, Duration.ofSeconds(60));

      // 1 -> 2 -> 1 again, cleanly: c joins, then a stops (revokes with a checkpoint) and c owns everything
      ChildInstance c = ChildInstance.start("c", dir, args);
      all.add(c);
      c.await("partitions handed over", i -> i.count("RESTORED") > 0, Duration.ofSeconds(60));
      a.stop();
      assertThat(a.lines).as("a's output").contains("STOPPED");
      c.await("every partition", i -> i.count("RESTORED") - i.count("RELEASED") == PARTITIONS, Duration.ofSeconds(60));

      Thread.sleep(1_000);
      produce.set(false);
      producer.join(60_000);
      assertThat(producerFailure.get()).as("producer failure").isNull();
      assertThat(ends.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(events.size());
      awaitCommitted(broker, "aggregation-" + id, topic, ends, c);
      c.stop();
      assertThat(c.lines).as("c's output").contains("STOPPED");

      // exactly the aggregates of applying each event once, and every partition read to its end
      PartitionResults results = PartitionResults.read(location, topic, PARTITIONS, BACKEND);
      assertThat(results.offsets).as("checkpointed offsets").isEqualTo(ends);
      Map<String, String> expected = UserAggregation.oracle(events);
      assertThat(results.perUser.keySet()).isEqualTo(expected.keySet());
      assertThat(results.perUser).as("seed %d", SEED).isEqualTo(expected);

      assertHandOvers(all, bOwned);
    } finally {
      for (ChildInstance i : all) {
        i.process.destroyForcibly();
      }
    }
  }

  /** Waits until the group's committed offsets (committed after checkpoints) reach the partitions' ends. */
  private static void awaitCommitted(KafkaBroker broker, String group, String topic, Map<Integer, Long> ends,
      ChildInstance owner) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (Admin admin = broker.admin()) {
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<Integer, Long> offsets = new TreeMap<>();
        committed.forEach((tp, o) -> {
          if (tp.topic().equals(topic) && o != null) {
            offsets.put(tp.partition(), o.offset());
          }
        });
        if (offsets.equals(ends)) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("committed offsets " + offsets + " never reached " + ends + "; stderr:\n" + owner.stderr());
        }
        Thread.sleep(100);
      }
    }
  }

  /**
   * Each partition's owners follow one another: every hand-over line of a partition, in time order,
   * alternates restored / released, except where the owner was killed (b); a new owner restores only
   * after the previous one released. Hand-overs from a live owner come with a checkpoint.
   */
  private static void assertHandOvers(List<ChildInstance> instances, int bOwned) {
    List<ChildInstance.Event> events = instances.stream().flatMap(i -> i.events().stream())
        .sorted(Comparator.comparingLong(ChildInstance.Event::atMillis)).toList();
    Map<Integer, List<ChildInstance.Event>> byPartition = events.stream()
        .collect(Collectors.groupingBy(ChildInstance.Event::partition, TreeMap::new, Collectors.toList()));
    assertThat(byPartition.keySet()).isEqualTo(Set.of(0, 1, 2, 3));
    int takenFromTheDead = 0;
    for (Map.Entry<Integer, List<ChildInstance.Event>> e : byPartition.entrySet()) {
      String owner = null;
      for (ChildInstance.Event event : e.getValue()) {
        if (event.kind().equals("RESTORED")) {
          if (owner != null) {
            assertThat(owner).as("partition %d restored by %s while %s held it; %s", e.getKey(), event.instance(), owner,
                e.getValue()).isEqualTo("b"); // only a killed owner never releases
            takenFromTheDead++;
          }
          owner = event.instance();
        } else {
          assertThat(event.instance()).as("partition %d released by a non-owner", e.getKey()).isEqualTo(owner);
          assertThat(event.checkpointId()).as("partition %d handed over with a checkpoint", e.getKey()).isNotNegative();
          owner = null;
        }
      }
    }
    assertThat(takenFromTheDead).as("partitions taken from the killed instance").isEqualTo(bOwned);
    Map<String, Long> restoredFromCheckpoint = new HashMap<>();
    events.stream().filter(ev -> ev.kind().equals("RESTORED") && ev.checkpointId() >= 0)
        .forEach(ev -> restoredFromCheckpoint.merge(ev.instance(), 1L, Long::sum));
    assertThat(restoredFromCheckpoint).as("restores of a previous owner's checkpoint").containsKeys("a", "b", "c");
    Stream.of(instances.get(1)).forEach(b -> assertThat(b.count("RELEASED")).as("b was killed").isZero());
  }
}
