package dev.cairn.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code MapState<Long, Long>} of {@value #COLLECTION_SIZE} entries per key: put, get and contains of
 * an existing user key, and iterate (every entry).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar MapStateBenchmark -p backend=cairn-heap,cairn-rocksdb
 * java -jar benchmarks/flink-baselines/target/flink-baselines.jar MapStateBenchmark \
 *     -p backend=flink-heap,flink-rocksdb
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class MapStateBenchmark extends KeyedStateBenchmarkBase {

  private static final Long[] USER_KEYS = new Long[COLLECTION_SIZE];

  static {
    for (int i = 0; i < COLLECTION_SIZE; i++) {
      USER_KEYS[i] = (long) i;
    }
  }

  private BackendAdapter.MapAccess state;
  private int nextUserKey;

  @Override
  protected void register() throws Exception {
    state = adapter.map("map");
  }

  @Override
  protected void fill(Long key) throws Exception {
    for (Long userKey : USER_KEYS) {
      state.put(userKey, key);
    }
  }

  @Override
  protected long read() throws Exception {
    long sum = 0;
    for (Map.Entry<Long, Long> entry : state.entries()) {
      sum += entry.getKey() + entry.getValue();
    }
    return sum;
  }

  private Long userKey() {
    int i = nextUserKey + 1;
    nextUserKey = i == COLLECTION_SIZE ? 0 : i;
    return USER_KEYS[nextUserKey];
  }

  @Benchmark
  public void put() throws Exception {
    state.put(userKey(), nextKey());
  }

  @Benchmark
  public Long get() throws Exception {
    nextKey();
    return state.get(userKey());
  }

  @Benchmark
  public boolean contains() throws Exception {
    nextKey();
    return state.contains(userKey());
  }

  @Benchmark
  public long iterate() throws Exception {
    nextKey();
    return read();
  }
}
