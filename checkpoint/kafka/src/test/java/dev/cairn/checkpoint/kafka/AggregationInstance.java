package dev.cairn.checkpoint.kafka;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One instance of the per-user aggregation, as the tests start it in a child JVM: {@code --bootstrap B
 * --topic T --group G --location L --backend heap|rocksdb --interval-ms N [--incremental|--full]}. Prints
 * {@code READY}, then one line per hand-over ({@code RESTORED|RELEASED <partition> <checkpoint id or -1>
 * <offset> <took ms> <epoch ms at the end>}) to stdout; SIGTERM stops it cleanly (partitions checkpointed
 * and released), printing {@code STOPPED}.
 */
public final class AggregationInstance {

  private AggregationInstance() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    boolean incremental = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--incremental")) {
        incremental = true;
      } else if (!args[i].equals("--full")) {
        options.put(args[i], args[++i]);
      }
    }
    boolean rocksdb = options.getOrDefault("--backend", "heap").equals("rocksdb");
    Map<String, Object> consumer = new HashMap<>();
    consumer.put("bootstrap.servers", options.get("--bootstrap"));
    consumer.put("group.id", options.get("--group"));
    consumer.put("session.timeout.ms", options.getOrDefault("--session-timeout-ms", "6000"));
    consumer.put("heartbeat.interval.ms", "500");
    consumer.put("max.poll.records", "200");
    boolean incrementalCheckpoints = incremental;
    KafkaStateRunner<String, String, String> runner = KafkaStateRunner.builder(
            consumer, new StringDeserializer(), new StringDeserializer(), partition -> backend(rocksdb))
        .topic(options.get("--topic"))
        .checkpointLocation(options.get("--location"))
        .checkpointInterval(Duration.ofMillis(Long.parseLong(options.getOrDefault("--interval-ms", "500"))))
        .checkpoints(b -> {
          if (incrementalCheckpoints) {
            b.incrementalCheckpoints();
          }
        })
        .processor((partition, backend) -> new UserAggregation(backend))
        .listener(new PartitionListener() {
          @Override
          public void onPartitionRestored(TopicPartition p, OptionalLong id, long offset, Duration took) {
            print("RESTORED", p, id, offset, took);
          }

          @Override
          public void onPartitionReleased(TopicPartition p, OptionalLong id, long offset, Duration took) {
            print("RELEASED", p, id, offset, took);
          }
        })
        .build();
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      runner.stop();
      try {
        done.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "stop-runner"));
    System.out.println("READY");
    try {
      runner.run();
    } finally {
      System.out.println("STOPPED");
      System.out.flush();
      done.countDown();
    }
  }

  private static KeyedStateBackend<String> backend(boolean rocksdb) {
    return rocksdb ? RocksDbStateBackend.builder(Serializers.STRING).build()
        : HeapStateBackend.builder(Serializers.STRING).build();
  }

  private static synchronized void print(String what, TopicPartition p, OptionalLong id, long offset, Duration took) {
    System.out.println(what + " " + p.partition() + " " + id.orElse(-1) + " " + offset + " " + took.toMillis() + " "
        + System.currentTimeMillis());
    System.out.flush();
  }
}
