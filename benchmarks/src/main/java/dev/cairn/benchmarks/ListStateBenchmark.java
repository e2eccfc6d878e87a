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
 * {@code ListState<Long>} of {@value #COLLECTION_SIZE} elements per key: add one element, and get
 * (iterating every element).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ListStateBenchmark -p backend=cairn-heap,cairn-rocksdb
 * java -jar benchmarks/flink-baselines/target/flink-baselines.jar ListStateBenchmark \
 *     -p backend=flink-heap,flink-rocksdb
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ListStateBenchmark extends KeyedStateBenchmarkBase {

  private BackendAdapter.ListAccess state;

  @Override
  protected void register() throws Exception {
    state = adapter.list("list");
  }

  @Override
  protected void fill(Long key) throws Exception {
    for (int i = 0; i < COLLECTION_SIZE; i++) {
      state.add(key);
    }
  }

  @Override
  protected long read() throws Exception {
    long sum = 0;
    for (Long element : state.get()) {
      sum += element;
    }
    return sum;
  }

  @Benchmark
  public void add() throws Exception {
    state.add(nextKey());
  }

  @Benchmark
  public long get() throws Exception {
    nextKey();
    return read();
  }
}
