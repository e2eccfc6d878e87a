package dev.cairn.checkpoint.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.CheckpointException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain directory as the checkpoint location (instances on one machine; the OS lock is the lease):
 * partitions checkpoint to {@code <dir>/partition-<n>}, a restart restores them exactly, and a second
 * topic pointed at the same location fails naming both partitions instead of mixing their state.
 */
class KafkaLocalLocationTest {

  @TempDir Path dir;

  @Test
  void localDirectory_restartRestoresExactly_anotherTopicAtTheSameLocationIsRefused() throws Exception {
    KafkaBroker broker = KafkaBroker.get();
    String id = UUID.randomUUID().toString().substring(0, 8);
    String topic = "local-" + id;
    broker.createTopic(topic, 2);
    String location = dir.resolve("checkpoints").toString();
    List<String[]> events = new ArrayList<>();
    Random random = new Random(11);
    KafkaLeaseExclusionTest.produce(broker, topic, events, random, 500);

    RunnerThread first = new RunnerThread("first", "local-" + id, topic, location, Duration.ofSeconds(10));
    Map<Integer, Long> produced = broker.endOffsets(topic, 2);
    first.await("every event, offsets " + produced, () -> first.owned() == 2 && first.caughtUp(produced),
        Duration.ofSeconds(60));
    assertThat(first.processed.get()).isEqualTo(500);
    first.stop();
    assertThat(first.failure.get()).isNull();
    assertThat(Files.exists(Path.of(location, "partition-0", "_lock"))).isTrue();
    assertThat(Files.exists(Path.of(location, "partition-1", "_lock"))).isTrue();

    // a restart: restores both partitions and processes only what came since
    KafkaLeaseExclusionTest.produce(broker, topic, events, random, 100);
    RunnerThread second = new RunnerThread("second", "local-" + id, topic, location, Duration.ofSeconds(10));
    Map<Integer, Long> more = broker.endOffsets(topic, 2);
    second.await("the new events, offsets " + more, () -> second.owned() == 2 && second.caughtUp(more),
        Duration.ofSeconds(60));
    assertThat(second.processed.get()).as("records processed after the restart: only the new ones").isEqualTo(100);
    assertThat(second.handOvers).allSatisfy(h -> assertThat(h.checkpointId()).isPresent());
    second.stop();
    assertThat(second.failure.get()).isNull();
    assertThat(PartitionResults.read(location, topic, 2).perUser).isEqualTo(UserAggregation.oracle(events));

    // another topic, same location: refused before anything is processed
    String other = "other-" + id;
    broker.createTopic(other, 1);
    KafkaLeaseExclusionTest.produce(broker, other, new ArrayList<>(), random, 10);
    RunnerThread wrong = new RunnerThread("wrong", "other-" + id, other, location, Duration.ofSeconds(10));
    wrong.await("run() to fail", wrong::finished, Duration.ofSeconds(60));
    assertThat(wrong.failure.get())
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("holds the state of partition " + topic + "/0, not of " + other + "/0")
        .hasMessageContaining("give each topic its own checkpoint location");
    assertThat(wrong.processorsCreated.get()).isZero();
    assertThat(wrong.processed.get()).isZero();
  }
}
