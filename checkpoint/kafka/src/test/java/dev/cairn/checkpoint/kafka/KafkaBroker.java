package dev.cairn.checkpoint.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker in the test JVM: one combined KRaft controller and broker from Kafka's own test
 * kit ({@code kafka-test-common-runtime}), listening on a free loopback port, its logs in a temporary
 * directory. Started once per test JVM, on first use; tests use their own topics and groups. In this
 * module's test-jar for other modules' tests (the examples').
 */
public final class KafkaBroker {

  private static KafkaBroker instance;

  private final KafkaClusterTestKit cluster;

  private KafkaBroker() throws Exception {
    Path base = Files.createTempDirectory("cairn-kafka");
    base.toFile().deleteOnExit();
    cluster = new KafkaClusterTestKit.Builder(
            new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                .setBaseDirectory(base).build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        // a new group's first rebalance starts at once, not after the default 3 s
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("group.min.session.timeout.ms", "1000")
        .setDeleteOnClose(true)
        .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        cluster.close();
      } catch (Exception e) {
        // the JVM is going away; the temporary directory goes with deleteOnClose
      }
    }, "kafka-test-broker-shutdown"));
  }

  /** Returns the running broker, starting it on first use. */
  public static synchronized KafkaBroker get() {
    if (instance == null) {
      try {
        instance = new KafkaBroker();
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the in-JVM Kafka broker", e);
      }
    }
    return instance;
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Creates {@code topic} with {@code partitions} partitions (replication factor 1). */
  public void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = cluster.admin()) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  /** A producer of string keys and values with acks=all and idempotence (no duplicates on retry). */
  public KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /**
   * Sends {@code events} ({key, value} pairs) to {@code topic} and waits until the broker has
   * acknowledged every one: a test's oracle then holds exactly what is in the log.
   *
   * @throws IllegalStateException naming the topic and the first failure if any send failed
   */
  public void produce(String topic, List<String[]> events) throws InterruptedException {
    List<Future<RecordMetadata>> sent = new ArrayList<>(events.size());
    try (KafkaProducer<String, String> producer = producer()) {
      for (String[] e : events) {
        sent.add(producer.send(new ProducerRecord<>(topic, e[0], e[1])));
      }
      producer.flush();
      for (int i = 0; i < sent.size(); i++) {
        try {
          sent.get(i).get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("sending event " + i + " of " + sent.size() + " to " + topic + " failed: "
              + e.getCause(), e.getCause());
        }
      }
    }
  }

  /**
   * The log-end offset of each of {@code topic}'s partitions 0 to {@code partitions - 1}: the offset
   * the next record will get.
   */
  public Map<Integer, Long> endOffsets(String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<Integer, Long> ends = new TreeMap<>();
    try (Admin admin = admin()) {
      admin.listOffsets(latest).all().get()
          .forEach((partition, info) -> ends.put(partition.partition(), info.offset()));
    }
    return ends;
  }

  /** A new admin client of the broker. */
  public Admin admin() {
    return cluster.admin(Map.of());
  }
}
