package dev.cairn.checkpoint;

import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.checkpoint.storage.FaultInjectingFileLayer;
import dev.cairn.checkpoint.storage.FaultInjectingStorage;
import dev.cairn.state.spi.KeyGroupRange;
import java.nio.file.Path;
import java.util.List;

/**
 * A child-JVM program for {@link CrashAtEveryFileOperationTest}: restores, processes and takes
 * checkpoints (retaining one, so retention deletes), and halts the JVM abruptly (no shutdown hooks,
 * like SIGKILL) right before its k-th file operation.
 *
 * <p>Arguments: {@code <job dir> <k> <variant> [storage]}; k = 0 never halts and prints the number of
 * operations. Variants: {@code heap} (full checkpoints), {@code heap-incremental}, {@code
 * rocksdb-incremental}. With {@code storage}, the first argument is any location ({@link
 * CheckpointStorage#forLocation}: a path or a URI such as {@code s3://bucket/prefix}) and the operations
 * counted are those of the storage SPI ({@link FaultInjectingStorage}), not of the local file layer
 * ({@link FaultInjectingFileLayer}).
 */
public final class CrashingJob {

  static final int ROUNDS = 2; // the second checkpoint's retention deletes the first
  static final int RECORDS_PER_ROUND = 500;

  private CrashingJob() {}

  public static void main(String[] args) throws Exception {
    int haltAt = Integer.parseInt(args[1]);
    String variant = args[2];
    boolean spi = args.length > 3 && args[3].equals("storage");
    FaultInjectingFileLayer files = new FaultInjectingFileLayer();
    FaultInjectingStorage storage = spi ? FaultInjectingStorage.over(CheckpointStorage.forLocation(args[0])) : null;
    CheckpointCoordinator.Builder builder;
    if (spi) {
      storage.haltBeforeOperation(haltAt);
      builder = CheckpointCoordinator.builder(storage);
    } else {
      files.haltBeforeOperation(haltAt);
      builder = CheckpointCoordinator.builder(Path.of(args[0])).fileLayer(files);
    }
    builder.retainedCheckpoints(1);
    if (variant.endsWith("-incremental")) {
      builder.incrementalCheckpoints();
    }
    try (TestJob job = new TestJob(variant.startsWith("rocksdb") ? TestJob.ROCKSDB : TestJob.HEAP, KeyGroupRange.all(128));
        CheckpointCoordinator coordinator = builder.build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      coordinator.restoreLatest();
      job.open();
      long offset = job.offset();
      for (int round = 0; round < ROUNDS; round++) {
        job.processRange(offset, offset + RECORDS_PER_ROUND, CheckpointCoordinatorTest.KEYS);
        offset += RECORDS_PER_ROUND;
        CheckpointCoordinatorTest.checkpoint(coordinator, List.of(task));
      }
    }
    System.out.println(spi ? storage.operations() : files.operations());
    if (spi) {
      storage.close();
    }
  }
}
