package dev.cairn.examples.exactlyonce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.internal.JobStore;
import dev.cairn.checkpoint.internal.StoredFile;
import dev.cairn.checkpoint.storage.FileLayer;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the exactly-once example in child JVMs and kills them with SIGKILL at random moments (during
 * start-up, processing, checkpoints, restore), then lets a last run finish: its output must equal
 * the uninterrupted run's, every round. Variants: heap and RocksDB, each with full and with incremental
 * checkpoints. Rounds per variant: {@code -Dcairn.crash.rounds=N} (default 6, about 20 s per variant
 * on two cores; every run draws a new seed, so the builds together cover far more kill moments);
 * {@code -Dcairn.crash.seed=S} replays a run.
 */
class ExactlyOnceCrashTest {

  static final int LINES = 200_000;
  static final int ROUNDS = Integer.getInteger("cairn.crash.rounds", 6);
  static final long SEED = Long.getLong("cairn.crash.seed", System.nanoTime());

  @TempDir static Path shared;
  static Path input;
  static List<String> expected;

  @BeforeAll
  static void generateInput() throws IOException {
    input = shared.resolve("input.csv");
    EventGenerator.write(input, LINES, 2_000, 42);
    expected = oracle(Files.readAllLines(input));
  }

  /** The example's output computed with plain collections. */
  static List<String> oracle(List<String> lines) {
    Map<String, long[]> totals = new TreeMap<>(); // count, sum, view, click, purchase
    Map<String, Deque<Long>> lastFive = new HashMap<>();
    for (String line : lines) {
      String[] f = line.split(",");
      long amount = Long.parseLong(f[2]);
      long[] t = totals.computeIfAbsent(f[0], u -> new long[5]);
      t[0]++;
      t[1] += amount;
      t[2 + UserActivity.ACTIONS.indexOf(f[1])]++;
      Deque<Long> last = lastFive.computeIfAbsent(f[0], u -> new ArrayDeque<>());
      last.addLast(amount);
      if (last.size() > 5) {
        last.removeFirst();
      }
    }
    List<String> out = new ArrayList<>();
    totals.forEach((user, t) -> {
      List<String> last = lastFive.get(user).stream().map(String::valueOf).toList();
      out.add(user + "," + t[0] + "," + t[1] + "," + t[2] + "," + t[3] + "," + t[4] + ","
          + String.join(" ", last) + "," + String.format(Locale.ROOT, "%.2f", (double) t[1] / t[0]));
    });
    return out;
  }

  /** Starts the example; {@code variant} is a backend, optionally followed by " --incremental". */
  private static Process start(Path dir, String variant) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(
        java, "-Xmx512m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), "dev.cairn.examples.Examples", "exactly-once",
        "--input", input.toString(), "--output", dir.resolve("out.csv").toString(),
        "--checkpoint-dir", dir.resolve("state").toString(), "--backend", variant.split(" ")[0],
        "--checkpoint-interval-ms", "50"));
    if (variant.endsWith("--incremental")) {
      command.add("--incremental");
    }
    return new ProcessBuilder(command)
        .redirectError(dir.resolve("stderr.txt").toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static void runToCompletion(Path dir, String backend) throws Exception {
    Process p = start(dir, backend);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("run finishes").isTrue();
    String stderr = Files.readString(dir.resolve("stderr.txt"));
    assertThat(p.exitValue()).as("exit code; stderr:%n%s", stderr).isZero();
    assertThat(stderr.lines().findFirst().orElse(""))
        .matches("restored checkpoint \\d+ at offset \\d+|no checkpoint, starting at offset 0");
  }

  /**
   * Every checkpoint left behind is complete: no unfinished directory, no temporary file, and
   * {@code shared/} holds exactly the files the retained checkpoints list.
   */
  private static void assertNoOrphans(Path dir) throws IOException {
    Path checkpoints = dir.resolve("state/checkpoints");
    try (Stream<Path> files = Files.walk(checkpoints)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
    }
    java.util.Set<String> referenced = new java.util.HashSet<>();
    try (Stream<Path> dirs = Files.list(checkpoints)) {
      for (Path d : dirs.filter(d -> d.getFileName().toString().startsWith("chk-")).toList()) {
        assertThat(d.resolve("_metadata")).exists();
        JobStore.readMetadata(LocalCheckpointStorage.at(FileLayer.local(), d)).files().stream()
            .filter(StoredFile::shared)
            .forEach(f -> referenced.add(f.path()));
      }
    }
    Path shared = checkpoints.resolve("shared");
    if (Files.isDirectory(shared)) {
      try (Stream<Path> files = Files.list(shared)) {
        assertThat(files.map(f -> "shared/" + f.getFileName())).containsExactlyInAnyOrderElementsOf(referenced);
      }
    } else {
      assertThat(referenced).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb", "heap --incremental", "rocksdb --incremental"})
  void sigkillAtRandomMoments_outputEqualsUninterruptedRun(String backend) throws Exception {
    String name = backend.replace(" --", "-");
    Path clean = Files.createDirectories(shared.resolve(name + "-uninterrupted"));
    runToCompletion(clean, backend);
    List<String> uninterrupted = Files.readAllLines(clean.resolve("out.csv"), StandardCharsets.UTF_8);
    assertThat(uninterrupted).isEqualTo(expected);

    Random random = new Random(SEED);
    for (int round = 0; round < ROUNDS; round++) {
      Path dir = Files.createDirectories(shared.resolve(name + "-round-" + round));
      int kills = 1 + random.nextInt(3);
      for (int k = 0; k < kills; k++) {
        Process p = start(dir, backend);
        if (!p.waitFor(100 + random.nextInt(1_500), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly(); // SIGKILL on Unix
          p.waitFor();
        }
      }
      runToCompletion(dir, backend);
      assertThat(Files.readAllLines(dir.resolve("out.csv"), StandardCharsets.UTF_8))
          .as("round %d of %s (seed %d)", round, backend, SEED)
          .isEqualTo(uninterrupted);
      assertNoOrphans(dir);
      deleteRecursively(dir);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
