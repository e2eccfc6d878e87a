package dev.cairn.examples.checkpointinterval;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointListener;
import dev.cairn.checkpoint.CheckpointStats;
import dev.cairn.examples.CountingJob;
import dev.cairn.examples.Demo;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checkpointing with a configurable interval: a job counts events per user while the coordinator
 * takes a checkpoint every {@code --interval-ms}; each checkpoint's statistics are printed as it
 * completes (total duration, the synchronous part that pauses processing, the asynchronous part,
 * the task thread's trigger-to-safe-point delay, bytes). Then the job is stopped and started again
 * from the latest checkpoint: the restored counts add up to the restored stream position, the rest
 * of the stream is replayed, and the final counts equal those of the first run.
 *
 * <pre>{@code
 * java -jar examples/target/cairn-examples.jar checkpoint-interval [--interval-ms 100] \
 *     [--backend heap|rocksdb] [--events 100000]
 * }</pre>
 *
 * <p>The stream is throttled to about 100 events per millisecond so that a run lasts about a
 * second; checkpoints go to a temporary directory, deleted at the end.
 */
public final class CheckpointInterval {

  private static final int EVENTS_PER_PAUSE = 100;

  private CheckpointInterval() {}

  public static int main(String[] args) throws Exception {
    return run(args, System.out);
  }

  /** Runs the example, printing to {@code out}; returns the exit code. */
  public static int run(String[] args, PrintStream out) throws InterruptedException {
    long intervalMs;
    long events;
    String kind;
    try {
      Map<String, String> options = Demo.options(args, List.of("interval-ms", "backend", "events"));
      intervalMs = Demo.positive(options, "interval-ms", 100);
      events = Demo.positive(options, "events", 100_000);
      List<String> kinds = Demo.backends(options, "heap");
      if (kinds.size() != 1) {
        throw new IllegalArgumentException("--backend must be heap or rocksdb");
      }
      kind = kinds.get(0);
    } catch (IllegalArgumentException e) {
      out.println("checkpoint-interval: " + e.getMessage());
      out.println("usage: checkpoint-interval [--interval-ms N] [--backend heap|rocksdb] [--events N]");
      return 2;
    }
    Path directory = Demo.temporaryDirectory("checkpoint-interval");
    try {
      return demo(kind, intervalMs, events, directory, out);
    } finally {
      Demo.deleteRecursively(directory);
    }
  }

  private static int demo(String kind, long intervalMs, long events, Path directory, PrintStream out)
      throws InterruptedException {
    Path checkpoints = directory.resolve("checkpoints");
    out.printf(Locale.ROOT, "1. processing %,d events on the %s backend, a checkpoint every %d ms into %s%n",
        events, kind, intervalMs, checkpoints);
    Map<String, String> firstRun;
    long completed;
    CountingJob[] running = new CountingJob[1];
    CheckpointListener printer = new CheckpointListener() {
      @Override
      public void onCheckpointStats(CheckpointStats stats) {
        CountingJob job = running[0];
        out.println(describe(stats) + (job == null ? "" : String.format(Locale.ROOT, "; task at event %,d", job.position())));
      }
    };
    try (CountingJob job = new CountingJob(kind, directory.resolve("run-1"),
        CheckpointCoordinator.builder(checkpoints).interval(Duration.ofMillis(intervalMs)).listener(printer))) {
      running[0] = job;
      job.start();
      for (long i = 0; i < events; i++) {
        job.processNext();
        if (i % EVENTS_PER_PAUSE == EVENTS_PER_PAUSE - 1) {
          Thread.sleep(1);
        }
      }
      if (job.coordinator().metrics().completed() == 0) {
        out.println("   the stream ended before the first checkpoint: waiting for it");
        while (job.coordinator().metrics().completed() == 0) {
          job.idle();
          Thread.sleep(1);
        }
      }
      firstRun = job.totals();
      completed = job.coordinator().metrics().completed();
      out.printf(Locale.ROOT, "2. stopped after %,d events and %d completed checkpoints (no final checkpoint)%n",
          job.position(), completed);
    }

    try (CountingJob job = new CountingJob(kind, directory.resolve("run-2"), CheckpointCoordinator.builder(checkpoints))) {
      long id = job.restored().orElseThrow(() -> new IllegalStateException("no checkpoint in " + checkpoints));
      long position = job.position();
      long restoredCount = CountingJob.totalCount(job.totals());
      out.printf(Locale.ROOT, "3. restored the latest checkpoint, %d: stream position %,d, %,d users, counts add up to %,d%s%n",
          id, position, job.totals().size(), restoredCount,
          restoredCount == position ? " (= the position: state and position were saved together)" : " -- NOT the position");
      while (job.position() < events) {
        job.processNext();
      }
      Map<String, String> secondRun = job.totals();
      boolean same = secondRun.equals(firstRun);
      out.printf(Locale.ROOT, "4. replayed events %,d to %,d: final counts and sums of all %,d users %s%n",
          position, events, secondRun.size(), same ? "equal the first run's" : "DIFFER from the first run's");
      return same && restoredCount == position ? 0 : 1;
    }
  }

  /** One line of a checkpoint's statistics. */
  static String describe(CheckpointStats stats) {
    if (stats.status() != CheckpointStats.Status.COMPLETED) {
      return "   checkpoint " + stats.checkpointId() + " " + stats.status() + ": " + stats.failureCause();
    }
    return String.format(Locale.ROOT,
        "   checkpoint %d completed in %.1f ms (synchronous %.3f ms, asynchronous %.1f ms, safe-point delay %.3f ms), %,d bytes",
        stats.checkpointId(), millis(stats.totalDuration()), millis(stats.synchronousDuration()),
        millis(stats.asynchronousDuration()), millis(stats.maxSafePointDelay()), stats.sizeBytes());
  }

  private static double millis(Duration duration) {
    return duration.toNanos() / 1e6;
  }
}
