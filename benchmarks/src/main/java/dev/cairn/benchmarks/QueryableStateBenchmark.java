package dev.cairn.benchmarks;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.query.StateView;
import dev.cairn.state.query.StateViews;
import dev.cairn.state.query.ViewTimeoutException;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * Queryable state under load: one task thread updates random keys of a value state ({@code write}:
 * set the key, update, {@link StateViews#refresh()}) while 0, 1, 2 or 4 reader threads look keys up
 * through views ({@code read}: acquire a view, one {@code value()} lookup, close). Each group has a
 * backend of its own, filled with {@code keys} keys; views may be 100 ms stale (the default).
 *
 * <ul>
 *   <li>{@code alone}: the task thread without readers: its throughput is the baseline;
 *   <li>{@code readers1}, {@code readers2}, {@code readers4}: JMH reports {@code write} (task thread)
 *       and {@code read} (all readers together) separately.
 * </ul>
 *
 * <p>JMH may run a group's task role on another worker thread in each iteration (one at a time, with
 * its iteration barrier in between), which the backends' owner-thread check would refuse, so the
 * fork switches it off ({@code -Dcairn.state.ownerThreadCheck=false}). Readers that wait for a view
 * when an iteration ends (the task thread has stopped) give up after 200 ms. Cairn jar only.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar QueryableStateBenchmark -f 1 -wi 2 -i 5
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dcairn.state.ownerThreadCheck=false")
@State(Scope.Group)
public class QueryableStateBenchmark {

  private static final ValueStateDescriptor<Long> COUNT = StateDescriptors.value("count", Serializers.LONG);

  @Param({"heap", "rocksdb"})
  public String backend;

  @Param("100000")
  public int keys;

  private KeyedStateBackend<Long> state;
  private ValueState<Long> count;
  private StateViews<Long> views;
  private final SplittableRandom writes = new SplittableRandom(1);

  /** A reader's own random keys. */
  @State(Scope.Thread)
  public static class Reader {
    final SplittableRandom random = new SplittableRandom(Thread.currentThread().getId());
  }

  @Setup(Level.Trial)
  public void setUp() {
    state = switch (backend) {
      case "heap" -> HeapStateBackend.builder(Serializers.LONG).maxParallelism(BackendAdapters.MAX_PARALLELISM).build();
      case "rocksdb" -> RocksDbStateBackend.builder(Serializers.LONG)
          .maxParallelism(BackendAdapters.MAX_PARALLELISM)
          .memoryBudget(BackendAdapters.ROCKSDB_MEMORY_BUDGET)
          .build();
      default -> throw new IllegalArgumentException("backend must be heap or rocksdb, got " + backend);
    };
    count = state.getState(COUNT);
    for (long key = 0; key < keys; key++) {
      state.setCurrentKey(key);
      count.update(key);
    }
    views = StateViews.builder(state).acquireTimeout(Duration.ofMillis(200)).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    views.close();
    state.close();
  }

  private long write() {
    long key = writes.nextInt(keys);
    state.setCurrentKey(key);
    count.update(key + 1);
    views.refresh();
    return key;
  }

  private Long read(Reader reader) {
    try (StateView<Long> view = views.acquire()) {
      return view.value(COUNT, (long) reader.random.nextInt(keys));
    } catch (ViewTimeoutException endOfIteration) {
      return null;
    }
  }

  @Benchmark
  @Group("alone")
  @GroupThreads(1)
  public long alone_write() {
    return write();
  }

  @Benchmark
  @Group("readers1")
  @GroupThreads(1)
  public long readers1_write() {
    return write();
  }

  @Benchmark
  @Group("readers1")
  @GroupThreads(1)
  public Long readers1_read(Reader reader) {
    return read(reader);
  }

  @Benchmark
  @Group("readers2")
  @GroupThreads(1)
  public long readers2_write() {
    return write();
  }

  @Benchmark
  @Group("readers2")
  @GroupThreads(2)
  public Long readers2_read(Reader reader) {
    return read(reader);
  }

  @Benchmark
  @Group("readers4")
  @GroupThreads(1)
  public long readers4_write() {
    return write();
  }

  @Benchmark
  @Group("readers4")
  @GroupThreads(4)
  public Long readers4_read(Reader reader) {
    return read(reader);
  }
}
