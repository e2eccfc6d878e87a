package dev.cairn.benchmarks;

import dev.cairn.examples.exactlyonce.EventGenerator;
import dev.cairn.examples.exactlyonce.ExactlyOnce;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The exactly-once example end to end, in process: {@value #EVENTS} {@code user,action,amount}
 * lines over {@value #USERS} users, checkpoints every 200 ms into a fresh directory, output written
 * at the end, full checkpoints or ({@code incremental=true}, the example's {@code --incremental})
 * incremental ones. The score is time per event (events/s = 1 / score).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar EndToEndBenchmark -p backend=heap,rocksdb -p incremental=false,true
 * </pre>
 *
 * <p>{@code -p writeBackCache=0} runs RocksDB without its write-back cache (the example's {@code
 * --write-back-cache 0}); {@code default} leaves the backend's default.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(EndToEndBenchmark.EVENTS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@State(Scope.Thread)
public class EndToEndBenchmark {

  static final int EVENTS = 200_000;
  static final int USERS = 20_000;

  /** The example's {@code --backend}. */
  @Param({"heap", "rocksdb"})
  public String backend;

  /** The example's {@code --incremental}: incremental checkpoints instead of full ones. */
  @Param({"false", "true"})
  public boolean incremental;

  /** RocksDB's write-back cache in bytes (the example's {@code --write-back-cache}), or {@code default}. */
  @Param("default")
  public String writeBackCache;

  private Path root;
  private Path input;
  private Path run;

  @Setup
  public void writeInput() throws Exception {
    root = Files.createTempDirectory("cairn-e2e-bench");
    input = root.resolve("input.csv");
    EventGenerator.write(input, EVENTS, USERS, 7);
  }

  @Setup(Level.Invocation)
  public void newRunDirectory() throws Exception {
    run = Files.createDirectories(root.resolve("run"));
  }

  @TearDown(Level.Invocation)
  public void deleteRunDirectory() throws Exception {
    CheckpointBenchmark.deleteRecursively(run);
  }

  @TearDown
  public void deleteInput() throws Exception {
    CheckpointBenchmark.deleteRecursively(root);
  }

  @Benchmark
  public void exactlyOnce() throws Exception {
    List<String> args = new ArrayList<>(List.of(
        "--input", input.toString(),
        "--output", run.resolve("output.csv").toString(),
        "--checkpoint-dir", run.resolve("checkpoints").toString(),
        "--backend", backend,
        "--checkpoint-interval-ms", "200"));
    if (incremental) {
      args.add("--incremental");
    }
    if (!writeBackCache.equals("default") && backend.equals("rocksdb")) {
      args.addAll(List.of("--write-back-cache", writeBackCache));
    }
    int exit = ExactlyOnce.main(args.toArray(String[]::new));
    if (exit != 0) {
      throw new IllegalStateException("exactly-once example exited with " + exit);
    }
  }
}
