package dev.cairn.examples.kafka;

import dev.cairn.checkpoint.kafka.KafkaStateRunner;
import dev.cairn.checkpoint.kafka.PartitionListener;
import dev.cairn.examples.exactlyonce.UserActivity;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The exactly-once example's per-user aggregation as a Kafka consumer group: start it on as many
 * machines as the topic has partitions; each instance owns the state of the partitions Kafka assigns
 * it, checkpointed with their offsets to the shared location, and hands it over on every rebalance.
 * Records: key {@code user}, value {@code action,amount}. Stop an instance with SIGTERM or Ctrl-C (it
 * checkpoints and releases its partitions); a {@code kill -9} is recovered by the next owner.
 *
 * <pre>{@code
 * java -jar examples/target/cairn-examples.jar kafka-aggregation --bootstrap HOST:PORT --topic T \
 *     --checkpoints LOCATION [--group G] [--backend heap|rocksdb] [--interval-ms N] [--incremental]
 * java -jar examples/target/cairn-examples.jar kafka-aggregation --bootstrap HOST:PORT --topic T --produce N
 * }</pre>
 *
 * <p>{@code LOCATION} is shared by every instance: {@code s3://bucket/prefix[?options]} (the S3 module is
 * in the examples jar; credentials from the AWS SDK's default chains) or a local directory for instances
 * on one machine. {@code --produce N} writes N seeded events over N/10 users ({@link #events}) to the
 * topic and exits.
 */
public final class KafkaAggregation {

  private KafkaAggregation() {}

  private static final String USAGE = "usage: kafka-aggregation --bootstrap HOST:PORT --topic T"
      + " (--checkpoints LOCATION [--group G] [--backend heap|rocksdb] [--interval-ms N] [--incremental] | --produce N)";

  /** Runs the example; returns the exit code. */
  public static int main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    try {
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--incremental")) {
          options.put("--incremental", "true");
        } else if (List.of("--bootstrap", "--topic", "--checkpoints", "--group", "--backend", "--interval-ms", "--produce")
            .contains(args[i]) && i + 1 < args.length) {
          options.put(args[i], args[++i]);
        } else {
          throw new IllegalArgumentException("unknown option or missing value: " + args[i]);
        }
      }
      if (!options.containsKey("--bootstrap") || !options.containsKey("--topic")) {
        throw new IllegalArgumentException("--bootstrap and --topic are required");
      }
      if (options.containsKey("--produce") == options.containsKey("--checkpoints")) {
        throw new IllegalArgumentException("give either --checkpoints (run an instance) or --produce (write events)");
      }
      if (!List.of("heap", "rocksdb").contains(options.getOrDefault("--backend", "heap"))) {
        throw new IllegalArgumentException("--backend must be heap or rocksdb, got " + options.get("--backend"));
      }
      if (Long.parseLong(options.getOrDefault("--interval-ms", "1000")) <= 0
          || Long.parseLong(options.getOrDefault("--produce", "1")) <= 0) {
        throw new IllegalArgumentException("--interval-ms and --produce must be positive");
      }
    } catch (IllegalArgumentException e) { // NumberFormatException included
      System.err.println("kafka-aggregation: " + e.getMessage());
      System.err.println(USAGE);
      return 2;
    }
    if (options.containsKey("--produce")) {
      long n = Long.parseLong(options.get("--produce"));
      produce(options.get("--bootstrap"), options.get("--topic"), events(n, (int) Math.max(1, Math.min(n / 10, 1 << 30)), 7));
      System.out.println("produced " + n + " events to " + options.get("--topic"));
      return 0;
    }
    run(options);
    return 0;
  }

  /** {@code n} seeded events {@code {user, "action,amount"}} over {@code users} users. */
  static List<String[]> events(long n, int users, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String[]> events = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      events.add(new String[] {"user-" + random.nextInt(users),
          UserActivity.ACTIONS.get(random.nextInt(3)) + "," + random.nextInt(1000)});
    }
    return events;
  }

  private static void produce(String bootstrap, String topic, List<String[]> events) {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      for (String[] e : events) {
        // keyed by user: a user's events in one partition
        producer.send(new ProducerRecord<>(topic, e[0], e[1]), (sent, failure) -> {
          if (failure != null) {
            failed.compareAndSet(null, failure);
          }
        });
      }
      producer.flush();
    }
    if (failed.get() != null) { // a send that failed is an event the results would silently miss
      throw new IllegalStateException("producing to " + topic + " failed: " + failed.get(), failed.get());
    }
  }

  private static void run(Map<String, String> options) throws InterruptedException {
    boolean rocksdb = options.getOrDefault("--backend", "heap").equals("rocksdb");
    boolean incremental = options.containsKey("--incremental");
    Map<String, Object> consumer = Map.of("bootstrap.servers", options.get("--bootstrap"),
        "group.id", options.getOrDefault("--group", "cairn-kafka-aggregation"));
    KafkaStateRunner<String, String, String> runner = KafkaStateRunner.builder(
            consumer, new StringDeserializer(), new StringDeserializer(), partition -> backend(rocksdb))
        .topic(options.get("--topic"))
        .checkpointLocation(options.get("--checkpoints"))
        .checkpointInterval(Duration.ofMillis(Long.parseLong(options.getOrDefault("--interval-ms", "1000"))))
        .checkpoints(b -> {
          if (incremental) {
            b.incrementalCheckpoints();
          }
        })
        .processor((partition, backend) -> {
          UserActivity activity = new UserActivity(backend);
          return record -> {
            String value = record.value();
            int comma = value == null ? -1 : value.indexOf(',');
            if (record.key() == null || comma <= 0) {
              throw new IllegalArgumentException(partition + " offset " + record.offset()
                  + ": expected key user and value action,amount, got " + record.key() + " / " + value);
            }
            String action = value.substring(0, comma);
            if (!UserActivity.ACTIONS.contains(action)) {
              throw new IllegalArgumentException(partition + " offset " + record.offset() + ": unknown action '" + action + "'");
            }
            long amount;
            try {
              amount = Long.parseLong(value, comma + 1, value.length(), 10);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException(partition + " offset " + record.offset() + ": bad amount in '" + value + "'");
            }
            activity.process(record.key(), action, amount);
          };
        })
        .listener(new PartitionListener() {
          @Override
          public void onPartitionRestored(TopicPartition p, OptionalLong id, long offset, Duration took) {
            System.out.println("took over partition " + p.partition() + ": "
                + (id.isPresent() ? "checkpoint " + id.getAsLong() + ", from offset " + offset : "no checkpoint, from the beginning")
                + " (" + took.toMillis() + " ms)");
          }

          @Override
          public void onPartitionReleased(TopicPartition p, OptionalLong id, long offset, Duration took) {
            System.out.println("released partition " + p.partition() + " at offset " + offset
                + (id.isPresent() ? " (checkpoint " + id.getAsLong() + ")" : " (no checkpoint)") + " (" + took.toMillis() + " ms)");
          }
        })
        .build();
    CountDownLatch done = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      runner.stop();
      try {
        done.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "kafka-aggregation-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.println("consuming " + options.get("--topic") + " as a member of "
        + consumer.get("group.id") + "; checkpoints at " + options.get("--checkpoints") + "; stop with SIGTERM or Ctrl-C");
    try {
      runner.run();
    } finally {
      System.out.println("stopped");
      System.out.flush();
      done.countDown();
    }
  }

  private static KeyedStateBackend<String> backend(boolean rocksdb) {
    return rocksdb ? RocksDbStateBackend.builder(Serializers.STRING).build() : HeapStateBackend.builder(Serializers.STRING).build();
  }
}
