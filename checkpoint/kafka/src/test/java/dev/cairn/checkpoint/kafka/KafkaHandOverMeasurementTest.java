package dev.cairn.checkpoint.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.s3.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Measures the hand-over of a partition between two instances (runner threads in this JVM, a real
 * broker, checkpoints on s3proxy), wall-clock, while events keep arriving: scale-out (a second instance
 * joins and takes one of two partitions) and scale-in (the first stops and its last partition moves).
 * Phases: the previous owner's checkpoint and release on revocation; the rebalance until the new owner
 * is assigned the partition; its lease and restore; its first record processed. State: {@code
 * -Dcairn.kafka.handover.keys=N} users (default 2,000; the results file in benchmarks/results used
 * 1,000,000), each with the per-user aggregation's four states. Prints the table and writes it to
 * {@code target/kafka-handover.txt}; asserts that both hand-overs restored a checkpoint and that the
 * final state is exact.
 */
class KafkaHandOverMeasurementTest {

  static final int KEYS = Integer.getInteger("cairn.kafka.handover.keys", 2_000);

  @Test
  void handOverOfAPartition_scaleOutAndScaleIn() throws Exception {
    KafkaBroker broker = KafkaBroker.get();
    S3ProxyServer s3 = S3ProxyServer.get();
    S3ProxyServer.credentialProperties();
    String id = UUID.randomUUID().toString().substring(0, 8);
    String topic = "handover-" + id;
    broker.createTopic(topic, 2);
    String location = s3.location("kafka-handover-" + id);
    Duration interval = Duration.ofMillis(Math.max(500, KEYS / 200));

    List<String[]> events = Collections.synchronizedList(new ArrayList<>());
    long loadStart = System.nanoTime();
    for (int i = 0; i < KEYS; i++) {
      events.add(new String[] {"user-" + i, "view," + (i % 1000)});
    }
    broker.produce(topic, events);
    RunnerThread a = new RunnerThread("a", "handover-" + id, topic, location, Duration.ofMinutes(1), interval);
    RunnerThread b = null;
    AtomicBoolean trickle = new AtomicBoolean(true);
    AtomicReference<Exception> trickleFailure = new AtomicReference<>();
    Thread trickler = null;
    try {
      // seconds locally at the default 2,000 keys; the bound covers a slow machine and 1e6 keys
      Map<Integer, Long> loaded = broker.endOffsets(topic, 2);
      a.await("the initial state, offsets " + loaded, () -> a.caughtUp(loaded),
          Duration.ofSeconds(Math.max(120, KEYS / 1_000)));
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

      // events keep arriving during the hand-overs, a few hundred a second on both partitions
      trickler = new Thread(() -> {
        Random random = new Random(3);
        try (KafkaProducer<String, String> producer = broker.producer()) {
          while (trickle.get()) {
            String[] e = {"user-" + random.nextInt(KEYS), "click," + random.nextInt(1000)};
            events.add(e);
            producer.send(new ProducerRecord<>(topic, e[0], e[1]), (metadata, failure) -> {
              if (failure != null) {
                trickleFailure.compareAndSet(null, failure);
              }
            });
            Thread.sleep(5);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "trickle");
      trickler.start();
      Thread.sleep(1_000);

      b = new RunnerThread("b", "handover-" + id, topic, location, Duration.ofMinutes(1), interval);
      RunnerThread bRunner = b;
      b.await("a partition", () -> bRunner.owned() == 1 && bRunner.firstRecordNanos.size() == 1, Duration.ofMinutes(5));
      RunnerThread.HandOver out = a.handOvers.stream().filter(h -> h.kind().equals("released")).findFirst().orElseThrow();
      Row scaleOut = row("scale-out (b joins)", a, b, out.partition());

      Thread.sleep(1_000);
      a.stop();
      b.await("both partitions", () -> bRunner.owned() == 2 && bRunner.firstRecordNanos.size() == 2, Duration.ofMinutes(5));
      RunnerThread.HandOver in = a.handOvers.stream().filter(h -> h.kind().equals("released") && h.partition() != out.partition())
          .findFirst().orElseThrow();
      Row scaleIn = row("scale-in (a stops)", a, b, in.partition());

      trickle.set(false);
      trickler.join(); // its producer is closed: every event it sent is acknowledged or failed
      assertThat(trickleFailure.get()).as("a failed send of the events arriving during the hand-overs").isNull();
      Thread.sleep(2 * interval.toMillis() + 1_000);
      b.stop();
      assertThat(a.failure.get()).isNull();
      assertThat(b.failure.get()).isNull();

      String load = Files.readString(Path.of("/proc/loadavg")).trim();
      StringBuilder table = new StringBuilder();
      table.append(String.format(Locale.ROOT, "keys %d (%d per partition, 4 states each), heap backend, checkpoint interval %d ms,"
          + " s3proxy in the test JVM; initial load and processing %.1f s; /proc/loadavg at the end: %s%n",
          KEYS, KEYS / 2, interval.toMillis(), loadSeconds, load));
      table.append("| hand-over | checkpoint + release (old owner) | rebalance until assigned | lease + restore (new owner)"
          + " | restored -> first record | total: revocation -> first record processed by the new owner |\n");
      table.append("|---|---|---|---|---|---|\n");
      table.append(scaleOut).append('\n').append(scaleIn).append('\n');
      System.out.println(table);
      Files.writeString(Path.of("target", "kafka-handover.txt"), table);

      assertThat(scaleOut.restoredFrom).isPresent();
      assertThat(scaleIn.restoredFrom).isPresent();
      PartitionResults results = PartitionResults.read(location, topic, 2);
      assertThat(results.perUser).isEqualTo(UserAggregation.oracle(events));
    } finally {
      trickle.set(false);
      if (trickler != null) {
        trickler.join();
      }
      a.stop();
      if (b != null) {
        b.stop();
      }
    }
  }

  record Row(String what, int partition, java.util.OptionalLong restoredFrom, double releaseMs, double rebalanceMs,
      double restoreMs, double firstRecordMs, double totalMs) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "| %s, partition %d | %.0f ms | %.0f ms | %.0f ms | %.0f ms | **%.0f ms** |", what,
          partition, releaseMs, rebalanceMs, restoreMs, firstRecordMs, totalMs);
    }
  }

  private static Row row(String what, RunnerThread from, RunnerThread to, int partition) {
    RunnerThread.HandOver released = from.handOvers.stream()
        .filter(h -> h.kind().equals("released") && h.partition() == partition).findFirst().orElseThrow();
    RunnerThread.HandOver restored = to.handOvers.stream()
        .filter(h -> h.kind().equals("restored") && h.partition() == partition).findFirst().orElseThrow();
    long first = to.firstRecordNanos.get(partition);
    return new Row(what, partition, restored.checkpointId(), ms(released.endNanos() - released.startNanos()),
        ms(restored.startNanos() - released.endNanos()), ms(restored.endNanos() - restored.startNanos()),
        ms(first - restored.endNanos()), ms(first - released.startNanos()));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
