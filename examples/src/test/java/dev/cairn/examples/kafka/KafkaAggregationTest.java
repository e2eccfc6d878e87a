package dev.cairn.examples.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.kafka.KafkaBroker;
import dev.cairn.checkpoint.processor.KeyedRow;
import dev.cairn.checkpoint.processor.SavepointReader;
import dev.cairn.examples.Examples;
import dev.cairn.state.serde.Serializers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kafka-aggregation} against a real broker in the test JVM: {@code --produce} writes the seeded
 * events, two instances in child JVMs (run as the jar runs them, through {@code Examples}) share the
 * partitions and checkpoint to a local directory, stop cleanly on SIGTERM; each partition's last
 * checkpoint, read with {@link SavepointReader}, holds exactly the per-user counts and sums of the
 * events. Bad arguments exit with 2.
 */
class KafkaAggregationTest {

  @TempDir Path dir;

  @Test
  void produceThenTwoInstances_checkpointsHoldExactlyTheAggregates() throws Exception {
    KafkaBroker broker = KafkaBroker.get();
    String topic = "aggregation-" + UUID.randomUUID().toString().substring(0, 8);
    broker.createTopic(topic, 2);
    assertThat(KafkaAggregation.main(new String[] {"--bootstrap", broker.bootstrapServers(), "--topic", topic,
        "--produce", "3000"})).isZero();
    Path checkpoints = dir.resolve("checkpoints");
    String[] args = {"--bootstrap", broker.bootstrapServers(), "--topic", topic, "--group", topic,
        "--checkpoints", checkpoints.toString(), "--interval-ms", "200"};

    List<Process> instances = new ArrayList<>();
    List<List<String>> outputs = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Process p = start(args, dir.resolve("instance-" + i + ".stderr.txt"), lines);
        instances.add(p);
        outputs.add(lines);
      }
      awaitCommitted(broker, topic, broker.endOffsets(topic, 2));
      for (Process p : instances) {
        p.toHandle().destroy(); // SIGTERM: the instance checkpoints, releases and leaves
      }
      for (int i = 0; i < 2; i++) {
        assertThat(instances.get(i).waitFor(60, TimeUnit.SECONDS)).as("instance %d stops", i).isTrue();
      }
      Thread.sleep(200);
      List<String> all = new ArrayList<>();
      outputs.forEach(all::addAll);
      assertThat(all).filteredOn(l -> l.startsWith("took over partition ")).hasSizeGreaterThanOrEqualTo(2);
      assertThat(all).filteredOn(l -> l.equals("stopped")).hasSize(2);
    } finally {
      instances.forEach(Process::destroyForcibly);
    }

    Map<String, long[]> expected = new TreeMap<>();
    for (String[] e : KafkaAggregation.events(3000, 300, 7)) {
      long[] t = expected.computeIfAbsent(e[0], u -> new long[2]);
      t[0]++;
      t[1] += Long.parseLong(e[1].substring(e[1].indexOf(',') + 1));
    }
    Map<String, long[]> actual = new TreeMap<>();
    for (int partition = 0; partition < 2; partition++) {
      try (SavepointReader reader = SavepointReader.open(latest(checkpoints.resolve("partition-" + partition)));
          Stream<KeyedRow<String, Long>> counts = reader.readValues("count", Serializers.STRING, Serializers.LONG);
          Stream<KeyedRow<String, Long>> sums = reader.readValues("sum", Serializers.STRING, Serializers.LONG)) {
        counts.forEach(r -> actual.computeIfAbsent(r.key(), u -> new long[2])[0] = r.value());
        sums.forEach(r -> actual.computeIfAbsent(r.key(), u -> new long[2])[1] = r.value());
      }
    }
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    actual.forEach((user, t) -> assertThat(t).as(user).containsExactly(expected.get(user)));
  }

  @Test
  void badArguments_exitWith2() throws Exception {
    assertThat(KafkaAggregation.main(new String[] {"--topic", "t", "--produce", "1"})).isEqualTo(2);
    assertThat(KafkaAggregation.main(new String[] {"--bootstrap", "h:9", "--topic", "t"})).isEqualTo(2);
    assertThat(KafkaAggregation.main(new String[] {"--bootstrap", "h:9", "--topic", "t", "--checkpoints", "/x",
        "--backend", "mem"})).isEqualTo(2);
    assertThat(KafkaAggregation.main(new String[] {"--bootstrap", "h:9", "--topic", "t", "--produce", "0"})).isEqualTo(2);
  }

  private static Process start(String[] args, Path stderr, List<String> lines) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        Examples.class.getName(), "kafka-aggregation"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (java.io.IOException e) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  /** The instances commit offsets after each checkpoint: at the ends, every event is in a checkpoint. */
  private static void awaitCommitted(KafkaBroker broker, String group, Map<Integer, Long> ends) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    try (Admin admin = broker.admin()) {
      while (true) {
        Map<Integer, Long> offsets = new TreeMap<>();
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        committed.forEach((tp, o) -> {
          if (o != null) {
            offsets.put(tp.partition(), o.offset());
          }
        });
        if (offsets.equals(new TreeMap<>(ends))) {
          return;
        }
        assertThat(System.nanoTime()).as("committed offsets %s never reached %s", offsets, ends).isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  private static Path latest(Path jobDirectory) throws Exception {
    try (Stream<Path> dirs = Files.list(jobDirectory)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("chk-") && Files.exists(d.resolve("_metadata")))
          .max(java.util.Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString().substring(4))))
          .orElseThrow();
    }
  }
}
