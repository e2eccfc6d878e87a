package dev.cairn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JVM killed with SIGKILL while it migrates a restored RocksDB state (in the middle of rewriting
 * the column family, after some batches were written) leaves the checkpoint it restored from
 * byte for byte intact; the restarted job migrates again and ends with exactly the state of an
 * uninterrupted run. For full (canonical) and incremental (native SST files, claimed) checkpoints.
 */
class MigrationCrashTest {

  @TempDir Path dir;

  /** Runs version 1 of the job: one checkpoint of {@link MigratingJob#KEYS} payloads in RocksDB. */
  private static void version1(Path jobDir, boolean incremental) {
    CheckpointCoordinator.Builder builder = CheckpointCoordinator.builder(jobDir);
    if (incremental) {
      builder.incrementalCheckpoints();
    }
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).build();
        CheckpointCoordinator coordinator = builder.build()) {
      CheckpointParticipant task = coordinator.register(backend, new OperatorStateStore());
      ValueState<String> payload = backend.getState(StateDescriptors.value("payload", Serializers.STRING));
      for (long key = 0; key < MigratingJob.KEYS; key++) {
        backend.setCurrentKey(key);
        payload.update(MigratingJob.payload(key));
      }
      CheckpointCoordinatorTest.checkpoint(coordinator, List.of(task));
    }
  }

  private Process start(Path jobDir, Path working, Path signal, long crashAt, Path output, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"), MigratingJob.class.getName(),
            jobDir.toString(), working.toString(), signal.toString(), Long.toString(crashAt), output.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private void runToEnd(Path jobDir, Path working, Path output, Path log) throws Exception {
    Process p = start(jobDir, working, dir.resolve("unused-signal"), 0, output, log);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("finished, see %s", log).isTrue();
    assertThat(p.exitValue()).as("exit code, log: %s", Files.readString(log)).isZero();
  }

  /** Returns every regular file under {@code root} with its SHA-256. */
  private static Map<String, String> digests(Path root) throws Exception {
    Map<String, String> digests = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        digests.put(root.relativize(f).toString(),
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
      }
    }
    return digests;
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  @ParameterizedTest(name = "incremental {0}")
  @ValueSource(booleans = {false, true})
  void sigkillDuringRewrite_checkpointIntact_restartEndsAsAnUninterruptedRun(boolean incremental) throws Exception {
    Path jobDir = dir.resolve("job");
    version1(jobDir, incremental);
    Path referenceDir = dir.resolve("reference-job");
    copy(jobDir, referenceDir);
    Map<String, String> before = digests(jobDir);
    // calls 1..KEYS convert without writing; the rewrite calls again: stop three quarters into it
    long crashAt = MigratingJob.KEYS + MigratingJob.KEYS * 3L / 4;
    Path signal = dir.resolve("migrating");
    Path working = dir.resolve("working");

    Process crashing = start(jobDir, working, signal, crashAt, dir.resolve("crashed.out"), dir.resolve("crashed.log"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(signal) && crashing.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(Files.exists(signal)).as("reached the crash point, log: %s", Files.readString(dir.resolve("crashed.log")))
        .isTrue();
    crashing.destroyForcibly(); // SIGKILL on Unix
    assertThat(crashing.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(dir.resolve("crashed.log"))).contains("Migrating state 'payload': converted");

    Map<String, String> afterCrash = digests(jobDir);
    assertThat(afterCrash).as("the checkpoint's files after the crash").containsAllEntriesOf(before);

    runToEnd(jobDir, working, dir.resolve("restarted.out"), dir.resolve("restarted.log"));
    runToEnd(referenceDir, dir.resolve("reference-working"), dir.resolve("reference.out"), dir.resolve("reference.log"));

    List<String> restarted = Files.readAllLines(dir.resolve("restarted.out"));
    List<String> expected = new ArrayList<>();
    for (long key = 0; key < MigratingJob.KEYS; key++) {
      expected.add(key + "," + MigratingJob.migrated(MigratingJob.payload(key)));
    }
    assertThat(restarted).as("restarted after the crash").isEqualTo(expected);
    assertThat(Files.readAllLines(dir.resolve("reference.out"))).as("uninterrupted").isEqualTo(restarted);
    assertThat(digests(jobDir)).as("the checkpoint's files after the restart").containsAllEntriesOf(before);
  }
}
