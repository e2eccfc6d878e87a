package dev.cairn.checkpoint;

import dev.cairn.checkpoint.storage.FaultInjectingFileLayer;
import java.nio.file.Path;
import java.util.List;

/**
 * A child-JVM program for {@link CrashAtEveryFileOperationTest}: restores, processes and takes
 * checkpoints (retaining one, so retention deletes), and halts the JVM abruptly (no shutdown hooks,
 * like SIGKILL) right before its k-th file operation.
 *
 * <p>Arguments: {@code <job dir> <k>}; k = 0 never halts and prints the number of operations.
 */
public final class CrashingJob {

  static final int ROUNDS = 2; // the second checkpoint's retention deletes the first
  static final int RECORDS_PER_ROUND = 500;

  private CrashingJob() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int haltAt = Integer.parseInt(args[1]);
    FaultInjectingFileLayer files = new FaultInjectingFileLayer();
    files.haltBeforeOperation(haltAt);
    try (TestJob job = new TestJob();
        CheckpointCoordinator coordinator =
            CheckpointCoordinator.builder(dir).fileLayer(files).retainedCheckpoints(1).build()) {
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
    System.out.println(files.operations());
  }
}
