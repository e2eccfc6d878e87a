package dev.cairn.checkpoint.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.serde.Serializers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** Where partitions checkpoint, and configurations refused before anything connects. */
class KafkaStateRunnerConfigTest {

  private static final Map<String, Object> CONSUMER = Map.of("bootstrap.servers", "127.0.0.1:9", "group.id", "g");

  private static KafkaStateRunner.Builder<String, String, String> builder(Map<String, Object> consumer) {
    return KafkaStateRunner.builder(consumer, new StringDeserializer(), new StringDeserializer(),
        partition -> HeapStateBackend.builder(Serializers.STRING).build());
  }

  @Test
  void partitionLocation_isASubPrefixOrSubdirectory_beforeUriOptions() {
    assertThat(KafkaStateRunner.partitionLocation("s3://bucket/jobs/agg", 3)).isEqualTo("s3://bucket/jobs/agg/partition-3");
    assertThat(KafkaStateRunner.partitionLocation("s3://bucket/jobs/agg/", 0)).isEqualTo("s3://bucket/jobs/agg/partition-0");
    assertThat(KafkaStateRunner.partitionLocation("s3://bucket/jobs?endpoint=http://h:9000&pathStyle=true", 12))
        .isEqualTo("s3://bucket/jobs/partition-12?endpoint=http://h:9000&pathStyle=true");
    assertThat(KafkaStateRunner.partitionLocation("/var/lib/app/checkpoints", 1))
        .isEqualTo(Path.of("/var/lib/app/checkpoints", "partition-1").toString());
    assertThat(KafkaStateRunner.partitionLocation("hdfs://nn:8020/cairn/job", 2)).isEqualTo("hdfs://nn:8020/cairn/job/partition-2");
  }

  @Test
  void autoCommit_missingSettingsAndMissingParts_areRefused() {
    assertThatThrownBy(() -> builder(Map.of("bootstrap.servers", "h:9", "group.id", "g", "enable.auto.commit", "true")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("enable.auto.commit=true")
        .hasMessageContaining("offsets come from Cairn's checkpoints");
    assertThatThrownBy(() -> builder(Map.of("bootstrap.servers", "h:9")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group.id");
    assertThatThrownBy(() -> builder(CONSUMER).topic("t").checkpointLocation("/tmp/x").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("processor");
    assertThatThrownBy(() -> builder(CONSUMER).checkpointInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("checkpoint interval must be positive");
  }

  @Test
  void consumerSettings_autoCommitOff_offsetResetNone_cooperativeStickyByDefault_userChoicesKept() {
    KafkaStateRunner.Builder<String, String, String> b = builder(CONSUMER);
    assertThat(b.consumerProperties())
        .containsEntry("enable.auto.commit", "false")
        .containsEntry("auto.offset.reset", "none")
        .containsEntry("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    Map<String, Object> custom = new java.util.HashMap<>(CONSUMER);
    custom.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.StickyAssignor");
    assertThat(builder(custom).consumerProperties())
        .containsEntry("partition.assignment.strategy", "org.apache.kafka.clients.consumer.StickyAssignor");
    Map<String, Object> newProtocol = new java.util.HashMap<>(CONSUMER);
    newProtocol.put("group.protocol", "consumer");
    assertThat(builder(newProtocol).consumerProperties()).doesNotContainKey("partition.assignment.strategy");
  }
}
