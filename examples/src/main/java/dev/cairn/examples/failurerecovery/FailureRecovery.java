package dev.cairn.examples.failurerecovery;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointListener;
import dev.cairn.checkpoint.CheckpointStats;
import dev.cairn.examples.CountingJob;
import dev.cairn.examples.Demo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Kill and restore, step by step. A job counts events per user (count and sum) with the stream
 * position as operator state, checkpointing both together every 100 ms. The example:
 *
 * <ol>
 *   <li>computes the uninterrupted result in this JVM;
 *   <li>starts the job in a child JVM and echoes what it prints;
 *   <li>kills it with SIGKILL after its third checkpoint (on a slow disk: after its first, once half
 *       the stream is processed), mid-stream: no shutdown hook, no final checkpoint, no output;
 *   <li>lists the complete checkpoints the child left on disk;
 *   <li>starts the job again with the same arguments: it restores the latest checkpoint and replays
 *       the stream from the position saved in it;
 *   <li>compares the restarted job's output with the uninterrupted result: equal, every count and
 *       sum, although the events between that checkpoint and the kill were processed twice.
 * </ol>
 *
 * <pre>{@code
 * java -jar examples/target/cairn-examples.jar failure-recovery [--backend heap|rocksdb] [--events 100000]
 * }</pre>
 *
 * <p>The child runs {@code failure-recovery --worker DIR ...}: the job itself, throttled to about 50
 * events per millisecond so that there is time to kill it, writing {@code DIR/totals.csv} at the end.
 * Exit code 0 if the output equals the uninterrupted result.
 */
public final class FailureRecovery {

  private static final Duration INTERVAL = Duration.ofMillis(100);
  private static final int KILL_AFTER_CHECKPOINTS = 3;

  private FailureRecovery() {}

  public static int main(String[] args) throws Exception {
    return run(args, System.out);
  }

  /** Runs the example, printing to {@code out}; returns the exit code. */
  public static int run(String[] args, PrintStream out) throws Exception {
    String kind;
    long events;
    Map<String, String> options;
    try {
      options = Demo.options(args, List.of("backend", "events", "worker"));
      List<String> kinds = Demo.backends(options, "heap");
      if (kinds.size() != 1) {
        throw new IllegalArgumentException("--backend must be heap or rocksdb");
      }
      kind = kinds.get(0);
      events = Demo.positive(options, "events", 100_000);
    } catch (IllegalArgumentException e) {
      out.println("failure-recovery: " + e.getMessage());
      out.println("usage: failure-recovery [--backend heap|rocksdb] [--events N]");
      return 2;
    }
    if (options.containsKey("worker")) {
      worker(kind, events, Path.of(options.get("worker")), out);
      return 0;
    }
    Path directory = Demo.temporaryDirectory("failure-recovery");
    try {
      return demo(kind, events, directory, out);
    } finally {
      Demo.deleteRecursively(directory);
    }
  }

  private static int demo(String kind, long events, Path directory, PrintStream out) throws Exception {
    out.printf(Locale.ROOT, "1. the uninterrupted run, in this JVM: %,d events on the %s backend%n", events, kind);
    Map<String, String> expected;
    try (CountingJob job = new CountingJob(kind, directory.resolve("reference"),
        CheckpointCoordinator.builder(directory.resolve("reference-checkpoints")))) {
      while (job.position() < events) {
        job.processNext();
      }
      expected = job.totals();
    }
    out.printf(Locale.ROOT, "   %,d users, counts adding up to %,d%n", expected.size(), CountingJob.totalCount(expected));

    Path work = Files.createDirectories(directory.resolve("job"));
    out.println("2. the job in a child JVM, a checkpoint every " + INTERVAL.toMillis() + " ms into " + work.resolve("checkpoints"));
    Process child = start(kind, events, work, "stderr-1.txt");
    BlockingQueue<String> lines = lines(child);
    int checkpoints = 0;
    long processed = 0;
    String line;
    // kill after the third checkpoint; on a slow disk, after the first once half the stream is done
    while (!(checkpoints >= KILL_AFTER_CHECKPOINTS || checkpoints >= 1 && processed >= events / 2)
        && !(line = next(lines, child)).equals("<exit>")) {
      out.println("   child " + child.pid() + " | " + line);
      if (line.startsWith("checkpoint ")) {
        checkpoints++;
      } else if (line.startsWith("processed ")) {
        processed = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    if (checkpoints == 0 || !child.isAlive()) {
      out.println("   the child ended before it could be killed after a checkpoint: exit " + child.waitFor()
          + "; its stderr:\n" + Files.readString(work.resolve("stderr-1.txt")));
      return 1;
    }
    child.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no close(), no final checkpoint
    int exit = child.waitFor();
    out.println("3. SIGKILL: the child died mid-stream (exit code " + exit + "); output written: "
        + Files.exists(work.resolve("totals.csv")));

    out.println("4. on disk, the complete checkpoints it left (a checkpoint is complete when its _metadata exists):");
    try (Stream<Path> entries = Files.list(work.resolve("checkpoints"))) {
      for (Path chk : entries.filter(p -> p.getFileName().toString().startsWith("chk-")).sorted().toList()) {
        out.println("   " + chk.getFileName() + (Files.exists(chk.resolve("_metadata")) ? "/_metadata" : " (incomplete)"));
      }
    }

    out.println("5. the same command again: restore the latest checkpoint, replay from its stream position");
    Process restarted = start(kind, events, work, "stderr-2.txt");
    BlockingQueue<String> restartedLines = lines(restarted);
    int later = 0;
    while (!(line = next(restartedLines, restarted)).equals("<exit>")) {
      if (line.startsWith("checkpoint ")) {
        later++; // counted, not echoed
      } else {
        out.println("   child " + restarted.pid() + " | " + line);
      }
    }
    out.println("   (it completed " + later + " more checkpoints on the way)");
    if (restarted.waitFor() != 0 || !Files.exists(work.resolve("totals.csv"))) {
      out.println("   the restarted child failed: exit " + restarted.exitValue() + "; its stderr:\n"
          + Files.readString(work.resolve("stderr-2.txt")));
      return 1;
    }
    List<String> output = Files.readAllLines(work.resolve("totals.csv"), StandardCharsets.UTF_8);
    List<String> reference = new ArrayList<>();
    expected.forEach((user, totals) -> reference.add(user + "," + totals));
    boolean same = output.equals(reference);
    out.printf(Locale.ROOT, "6. the restarted job's output: %,d users, %s%n", output.size(),
        same ? "every count and sum equal to the uninterrupted run's" : "DIFFERENT from the uninterrupted run's");
    return same ? 0 : 1;
  }

  /** Starts the job in a child JVM on this JVM's class path; its stderr goes to {@code work/<stderr>}. */
  private static Process start(String kind, long events, Path work, String stderr) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), "dev.cairn.examples.Examples", "failure-recovery",
        "--worker", work.toString(), "--backend", kind, "--events", Long.toString(events));
    return new ProcessBuilder(command).redirectError(work.resolve(stderr).toFile()).start();
  }

  /** Reads the child's standard output on a thread of its own; {@code <exit>} marks its end. */
  private static BlockingQueue<String> lines(Process child) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException killed) {
        // the pipe closes when the child dies
      } finally {
        lines.add("<exit>");
      }
    }, "child-" + child.pid() + "-output");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  private static String next(BlockingQueue<String> lines, Process child) throws InterruptedException {
    String line = lines.poll(60, TimeUnit.SECONDS);
    if (line == null) {
      child.destroyForcibly();
      throw new IllegalStateException("the child JVM " + child.pid() + " printed nothing for 60 s");
    }
    return line;
  }

  /** The child: runs the job from its latest checkpoint to the end of the stream, then writes its totals. */
  static void worker(String kind, long events, Path work, PrintStream out) throws IOException, InterruptedException {
    CountingJob[] running = new CountingJob[1];
    CheckpointListener printer = new CheckpointListener() {
      @Override
      public void onCheckpointStats(CheckpointStats stats) {
        if (stats.status() == CheckpointStats.Status.COMPLETED) {
          out.printf(Locale.ROOT, "checkpoint %d completed (the task has processed %,d events)%n", stats.checkpointId(),
              running[0].position());
          out.flush();
        }
      }
    };
    try (CountingJob job = new CountingJob(kind, work.resolve("backend"),
        CheckpointCoordinator.builder(work.resolve("checkpoints")).interval(INTERVAL).listener(printer))) {
      running[0] = job;
      out.println(job.restored().isPresent()
          ? String.format(Locale.ROOT, "restored checkpoint %d: stream position %,d, counts adding up to %,d; replaying from there",
              job.restored().getAsLong(), job.position(), CountingJob.totalCount(job.totals()))
          : "no checkpoint: starting at stream position 0");
      out.flush();
      job.start();
      while (job.position() < events) {
        job.processNext();
        if (job.position() % 50 == 0) {
          Thread.sleep(1);
        }
        if (job.position() % Math.max(1, events / 10) == 0) {
          out.printf(Locale.ROOT, "processed %,d events%n", job.position());
          out.flush();
        }
      }
      List<String> lines = new ArrayList<>();
      job.totals().forEach((user, totals) -> lines.add(user + "," + totals));
      Path temp = work.resolve("totals.csv.tmp");
      Files.write(temp, lines, StandardCharsets.UTF_8);
      Files.move(temp, work.resolve("totals.csv"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      out.printf(Locale.ROOT, "done: %,d events, totals of %,d users in totals.csv%n", job.position(), lines.size());
      out.flush();
    }
  }
}
