package dev.cairn.checkpoint.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class KafkaBrokerSmokeTest {
  @Test
  void producesAndConsumes() throws Exception {
    KafkaBroker broker = KafkaBroker.get();
    broker.createTopic("smoke", 2);
    try (KafkaProducer<String, String> producer = broker.producer()) {
      producer.send(new ProducerRecord<>("smoke", "k", "v")).get();
    }
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "smoke");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of("smoke"));
      int n = 0;
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (n == 0 && System.nanoTime() < deadline) {
        ConsumerRecords<String, String> r = c.poll(Duration.ofMillis(200));
        n += r.count();
      }
      assertThat(n).isEqualTo(1);
    }
  }
}
