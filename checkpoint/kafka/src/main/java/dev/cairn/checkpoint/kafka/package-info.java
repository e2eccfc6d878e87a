/**
 * Kafka consumer groups owning Cairn state: {@link dev.cairn.checkpoint.kafka.KafkaStateRunner} runs a
 * consumer-group member whose keyed state is scoped per partition, checkpointed together with the
 * partition's input offset to shared checkpoint storage, and handed over to the partition's next owner
 * on rebalance.
 */
package dev.cairn.checkpoint.kafka;
