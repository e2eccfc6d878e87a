package dev.cairn.benchmarks;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.checkpoint.metrics.CairnMetrics;
import dev.cairn.checkpoint.metrics.MBeanRegistration;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.metrics.BackendMetrics;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Does reading metrics slow the task thread? One task thread updates random keys of a value state
 * ({@code write}: set the key, update); in group {@code alone} nothing else runs, in group {@code
 * monitored} a monitoring thread reads every millisecond ({@code read}): the backend's figures fresh
 * ({@code CairnMetrics.backends()}, i.e. {@code MeteredBackend.metrics()}), the checkpoint figures,
 * and four JMX attributes through the platform MBean server ({@code Entries} and {@code Bytes} of the
 * Backend and State MBeans, which read figures at most a second old). Compare {@code alone} with
 * {@code monitored:write} of the same run and backend; {@code monitored:read} is the reads per second
 * (about 1,000: the thread parks 1 ms after each round). Each group has a backend of its own, with
 * {@code keys} keys, registered with a checkpoint coordinator that takes no checkpoints.
 *
 * <p>As in {@code QueryableStateBenchmark}, JMH may move a group's task role between worker threads
 * from one iteration to the next, so the fork switches the owner-thread check off. Cairn jar only.
 * The measurement (smoke runs use {@code -f 1 -wi 0 -i 1 -r 1}):
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar MetricsReadBenchmark -f 1 -wi 3 -i 5 -r 2
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dcairn.state.ownerThreadCheck=false")
@State(Scope.Group)
public class MetricsReadBenchmark {

  private static final ValueStateDescriptor<Long> COUNT = StateDescriptors.value("count", Serializers.LONG);
  private static final long READ_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  @Param({"heap", "rocksdb"})
  public String backend;

  @Param("100000")
  public int keys;

  private Path directory;
  private KeyedStateBackend<Long> state;
  private CheckpointCoordinator coordinator;
  private ValueState<Long> count;
  private CairnMetrics metrics;
  private MBeanRegistration mbeans;
  private MBeanServer server;
  private ObjectName backendBean;
  private ObjectName stateBean;
  private final SplittableRandom writes = new SplittableRandom(1);

  @Setup(Level.Trial)
  public void setUp() throws IOException, JMException {
    directory = Files.createTempDirectory("cairn-metrics-bench-");
    state = switch (backend) {
      case "heap" -> HeapStateBackend.builder(Serializers.LONG).maxParallelism(BackendAdapters.MAX_PARALLELISM).build();
      case "rocksdb" -> RocksDbStateBackend.builder(Serializers.LONG)
          .maxParallelism(BackendAdapters.MAX_PARALLELISM)
          .memoryBudget(BackendAdapters.ROCKSDB_MEMORY_BUDGET)
          .workingDirectory(directory.resolve("rocksdb"))
          .build();
      default -> throw new IllegalArgumentException("backend must be heap or rocksdb, got " + backend);
    };
    coordinator = CheckpointCoordinator.builder(directory.resolve("checkpoints")).build();
    coordinator.register(state, new OperatorStateStore());
    count = state.getState(COUNT);
    for (long key = 0; key < keys; key++) {
      state.setCurrentKey(key);
      count.update(key);
    }
    String job = "metrics-bench-" + backend + "-" + Integer.toHexString(System.identityHashCode(this));
    metrics = CairnMetrics.of(job, coordinator);
    mbeans = metrics.registerMBeans();
    server = ManagementFactory.getPlatformMBeanServer();
    backendBean = new ObjectName("dev.cairn:type=Backend,job=" + job + ",backend=task-0");
    stateBean = new ObjectName("dev.cairn:type=State,job=" + job + ",backend=task-0,state=count");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    mbeans.close();
    coordinator.close();
    state.close();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  private long write() {
    long key = writes.nextInt(keys);
    state.setCurrentKey(key);
    count.update(key + 1);
    return key;
  }

  /** One round of a monitoring thread: every figure once, then a pause of 1 ms. */
  private long read() throws JMException {
    BackendMetrics figures = metrics.backends().get("task-0");
    long sum = figures.totalEntries() + figures.totalBytes() + metrics.checkpoints().completed();
    sum += (Long) server.getAttribute(backendBean, "Entries") + (Long) server.getAttribute(backendBean, "Bytes");
    sum += (Long) server.getAttribute(stateBean, "Entries") + (Long) server.getAttribute(stateBean, "Bytes");
    LockSupport.parkNanos(READ_PERIOD_NANOS);
    return sum;
  }

  @Benchmark
  @Group("alone")
  @GroupThreads(1)
  public long alone_write() {
    return write();
  }

  @Benchmark
  @Group("monitored")
  @GroupThreads(1)
  public long monitored_write() {
    return write();
  }

  @Benchmark
  @Group("monitored")
  @GroupThreads(1)
  public long monitored_read() throws JMException {
    return read();
  }
}
