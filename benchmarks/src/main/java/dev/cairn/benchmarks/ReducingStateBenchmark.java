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
 * {@code ReducingState<Long>} summing: add to a random key's sum (a read, the function, a write).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ReducingStateBenchmark -p backend=cairn-heap,cairn-rocksdb
 * java -jar benchmarks/flink-baselines/target/flink-baselines.jar ReducingStateBenchmark \
 *     -p backend=flink-heap,flink-rocksdb
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ReducingStateBenchmark extends KeyedStateBenchmarkBase {

  private BackendAdapter.AddAccess state;

  @Override
  protected void register() throws Exception {
    state = adapter.reducing("sum");
  }

  @Override
  protected void fill(Long key) throws Exception {
    state.add(key);
  }

  @Override
  protected long read() throws Exception {
    return state.get();
  }

  @Benchmark
  public void add() throws Exception {
    state.add(nextKey());
  }
}
