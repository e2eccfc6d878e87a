package dev.cairn.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code ValueState<Long>}: get and update of a random one of {@code keys} keys.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ValueStateBenchmark -p backend=cairn-heap,cairn-rocksdb
 * java -jar benchmarks/flink-baselines/target/flink-baselines.jar ValueStateBenchmark \
 *     -p backend=flink-heap,flink-rocksdb
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ValueStateBenchmark extends KeyedStateBenchmarkBase {

  private BackendAdapter.ValueAccess state;

  @Override
  protected void register() throws Exception {
    state = adapter.value("value");
  }

  @Override
  protected void fill(Long key) throws Exception {
    state.update(key);
  }

  @Override
  protected long read() throws Exception {
    return state.get();
  }

  @Benchmark
  public Long get() throws Exception {
    nextKey();
    return state.get();
  }

  @Benchmark
  public void update() throws Exception {
    state.update(nextKey());
  }
}
