package dev.cairn.checkpoint.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.CheckpointException;
import dev.cairn.checkpoint.s3.S3ProxyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two instances never hold one partition's state at once, even when Kafka says both own it. Here two
 * consumer groups share one checkpoint location, so the broker assigns every partition to a member of
 * each group: exactly the split brain of a previous owner that has not yet noticed a rebalance. The
 * second owner must not restore or process anything while the first holds the partitions' leases (it
 * waits, then fails naming the partition and the lease), the first goes on undisturbed, and once the
 * first stops cleanly a new member restores its last checkpoints.
 */
class KafkaLeaseExclusionTest {

  @Test
  void aSecondOwnerWaitsForTheLeaseAndNeverProcesses_thenTakesOverOnRelease() throws Exception {
    KafkaBroker broker = KafkaBroker.get();
    S3ProxyServer s3 = S3ProxyServer.get();
    S3ProxyServer.credentialProperties();
    String id = UUID.randomUUID().toString().substring(0, 8);
    String topic = "lease-" + id;
    broker.createTopic(topic, 2);
    String location = s3.location("kafka-lease-" + id);
    List<String[]> events = new ArrayList<>();
    Random random = new Random(7);
    produce(broker, topic, events, random, 1_000);

    RunnerThread first = new RunnerThread("first", "group-1-" + id, topic, location, Duration.ofMinutes(1));
    RunnerThread second = null;
    RunnerThread third = null;
    try {
      Map<Integer, Long> produced = broker.endOffsets(topic, 2);
      first.await("both partitions, offsets " + produced, () -> first.owned() == 2 && first.caughtUp(produced),
          Duration.ofSeconds(60));
      assertThat(first.processed.get()).as("records processed by the first owner").isEqualTo(1_000);

      // the split brain: group 2 is assigned both partitions while `first` holds their state
      second = new RunnerThread("second", "group-2-" + id, topic, location, Duration.ofSeconds(3));
      RunnerThread secondRunner = second;
      second.await("run() to give up", secondRunner::finished, Duration.ofSeconds(60));
      assertThat(second.failure.get())
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("still holds the lease of " + KafkaStateRunner.partitionLocation(location, 0).split("\\?")[0])
          .hasMessageContaining("refusing to process it at the same time");
      assertThat(second.processorsCreated.get()).as("processors created by the second owner").isZero();
      assertThat(second.processed.get()).as("records processed by the second owner").isZero();
      assertThat(second.handOvers).as("restores by the second owner").isEmpty();

      // the first owner was not disturbed
      produce(broker, topic, events, random, 200);
      Map<Integer, Long> more = broker.endOffsets(topic, 2);
      first.await("the new events, offsets " + more, () -> first.caughtUp(more), Duration.ofSeconds(30));
      assertThat(first.processed.get()).as("records processed by the first owner").isEqualTo(1_200);
      assertThat(first.failure.get()).isNull();
      first.stop();
      assertThat(first.failure.get()).isNull();
      assertThat(first.handOvers.stream().filter(h -> h.kind().equals("released")))
          .allSatisfy(h -> assertThat(h.checkpointId()).isPresent());

      // released: a member of group 2 now restores the first owner's last checkpoints and has nothing to replay
      third = new RunnerThread("third", "group-2-" + id, topic, location, Duration.ofSeconds(3));
      RunnerThread thirdRunner = third;
      third.await("both partitions", () -> thirdRunner.owned() == 2, Duration.ofSeconds(60));
      assertThat(third.handOvers).allSatisfy(h -> assertThat(h.checkpointId()).isPresent());
      Thread.sleep(500);
      assertThat(third.processed.get()).as("records replayed after a clean hand-over").isZero();
      third.stop();
      assertThat(third.failure.get()).isNull();

      PartitionResults results = PartitionResults.read(location, topic, 2);
      assertThat(results.perUser).isEqualTo(UserAggregation.oracle(events));
    } finally {
      first.stop();
      if (second != null) {
        second.stop();
      }
      if (third != null) {
        third.stop();
      }
    }
  }

  static void produce(KafkaBroker broker, String topic, List<String[]> events, Random random, int n) throws Exception {
    List<String[]> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(new String[] {"user-" + random.nextInt(100), UserAggregation.ACTIONS.get(random.nextInt(3)) + "," + random.nextInt(1000)});
    }
    broker.produce(topic, batch);
    events.addAll(batch);
  }
}
