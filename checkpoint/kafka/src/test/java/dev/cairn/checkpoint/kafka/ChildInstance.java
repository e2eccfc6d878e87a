package dev.cairn.checkpoint.kafka;

import dev.cairn.checkpoint.s3.S3ProxyServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** An {@link AggregationInstance} in a child JVM, with the lines it printed. */
final class ChildInstance {

  /** A hand-over line: RESTORED or RELEASED. */
  record Event(String instance, String kind, int partition, long checkpointId, long offset, long tookMillis, long atMillis) {
    static Event parse(String instance, String line) {
      String[] f = line.split(" ");
      return new Event(instance, f[0], Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
          Long.parseLong(f[4]), Long.parseLong(f[5]));
    }
  }

  final String name;
  final Process process;
  final Path stderr;
  final List<String> lines = new CopyOnWriteArrayList<>();

  private ChildInstance(String name, Process process, Path stderr) {
    this.name = name;
    this.process = process;
    this.stderr = stderr;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process died; what it printed is kept
      }
    }, "stdout-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  static ChildInstance start(String name, Path dir, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.dev.cairn=info"));
    command.addAll(S3ProxyServer.credentialProperties());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), AggregationInstance.class.getName()));
    command.addAll(List.of(args));
    Path stderr = dir.resolve(name + ".stderr.txt");
    Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    return new ChildInstance(name, process, stderr);
  }

  List<Event> events() {
    return lines.stream().filter(l -> l.startsWith("RESTORED ") || l.startsWith("RELEASED "))
        .map(l -> Event.parse(name, l)).toList();
  }

  long count(String kind) {
    return events().stream().filter(e -> e.kind().equals(kind)).count();
  }

  /** Waits until {@code condition} holds of this instance, failing with its output after {@code timeout}. */
  void await(String what, Predicate<ChildInstance> condition, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(this)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + ": timed out waiting for " + what + "; stdout " + lines + "\nstderr:\n" + stderr());
      }
      if (!process.isAlive() && !condition.test(this)) {
        throw new AssertionError(name + " exited (" + process.exitValue() + ") before " + what + "; stdout " + lines
            + "\nstderr:\n" + stderr());
      }
      Thread.sleep(50);
    }
  }

  String stderr() {
    try {
      return Files.readString(stderr);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** SIGTERM, then waits for a clean exit (the shutdown hook stops the runner). */
  void stop() throws Exception {
    process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its stdout
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " did not stop in 60 s after SIGTERM; stderr:\n" + stderr());
    }
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (!lines.contains("STOPPED") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }
}
