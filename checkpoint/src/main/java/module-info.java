/**
 * Cairn's checkpointing: the coordinator and operator state ({@code dev.cairn.checkpoint}) and the
 * storage SPI ({@code dev.cairn.checkpoint.storage}: {@code CheckpointStorage}, the default
 * {@code LocalCheckpointStorage}, {@code FileLayer}, {@code CorruptFileException}). File formats,
 * metadata, the job store and the shared-file registry live in {@code dev.cairn.checkpoint.internal},
 * which is not exported. {@code dev.cairn.checkpoint.metrics} publishes figures through JMX and, with
 * Micrometer on the path (an optional dependency), a {@code MeterBinder}. {@code
 * dev.cairn.checkpoint.processor} reads and writes checkpoints and savepoints offline (the State
 * Processor API); {@code dev.cairn.checkpoint.tool} holds the command line over it ({@code
 * cairn-tool.jar}), not exported.
 */
@SuppressWarnings("requires-automatic")
module dev.cairn.checkpoint {
  requires transitive dev.cairn.state;
  requires java.management;
  requires org.slf4j;
  requires static micrometer.core;

  exports dev.cairn.checkpoint;
  exports dev.cairn.checkpoint.metrics;
  exports dev.cairn.checkpoint.processor;
  exports dev.cairn.checkpoint.storage;

  // storage modules (cairn-checkpoint-s3: s3://bucket/prefix) found by CheckpointStorage.forLocation
  uses dev.cairn.checkpoint.storage.CheckpointStorageFactory;
}
