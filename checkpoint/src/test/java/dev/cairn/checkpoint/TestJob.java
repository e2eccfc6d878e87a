package dev.cairn.checkpoint;

import dev.cairn.state.AggregateFunction;
import dev.cairn.state.AggregatingState;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.ReducingState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.KeyGroupRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A participant for tests: a keyed backend with all five kinds of state keyed by {@code Long}, an
 * operator-state offset, deterministic updates, and a dump of everything to compare.
 */
final class TestJob implements AutoCloseable {

  /** Builds heap backends. */
  static final Function<KeyGroupRange, KeyedStateBackend<Long>> HEAP =
      range -> HeapStateBackend.builder(Serializers.LONG).keyGroupRange(range).build();

  /** Builds RocksDB backends (temporary working directories, removed on close). */
  static final Function<KeyGroupRange, KeyedStateBackend<Long>> ROCKSDB =
      range -> RocksDbStateBackend.builder(Serializers.LONG).keyGroupRange(range).build();

  static final AggregateFunction<Long, long[], Long> MAX =
      new AggregateFunction<>() {
        @Override
        public long[] createAccumulator() {
          return new long[] {Long.MIN_VALUE};
        }

        @Override
        public long[] add(Long value, long[] acc) {
          acc[0] = Math.max(acc[0], value);
          return acc;
        }

        @Override
        public Long getResult(long[] acc) {
          return acc[0];
        }
      };

  final KeyedStateBackend<Long> backend;
  final OperatorStateStore operatorState = new OperatorStateStore();
  private ValueState<Long> count;
  private ListState<String> recent;
  private MapState<String, Long> attributes;
  private ReducingState<Long> sum;
  private AggregatingState<Long, Long> max;
  private ListState<Long> offset;

  TestJob(Function<KeyGroupRange, KeyedStateBackend<Long>> factory, KeyGroupRange range) {
    this.backend = factory.apply(range);
  }

  TestJob(KeyGroupRange range) {
    this(HEAP, range);
  }

  TestJob() {
    this(KeyGroupRange.all(128));
  }

  /** Registers the states; call after a restore, before processing. */
  TestJob open() {
    count = backend.getState(StateDescriptors.value("count", Serializers.LONG, 0L));
    recent = backend.getState(StateDescriptors.list("recent", Serializers.STRING));
    attributes = backend.getState(StateDescriptors.map("attributes", Serializers.STRING, Serializers.LONG));
    sum = backend.getState(StateDescriptors.reducing("sum", Long::sum, Serializers.LONG));
    max = backend.getState(
        StateDescriptors.aggregating("max", MAX, Serializers.kryo(long[].class)));
    offset = operatorState.getListState("offset", Serializers.LONG);
    return this;
  }

  /** Processes record {@code n}: deterministic updates of every kind for key {@code n % keys}. */
  void process(long n, int keys) {
    long key = n % keys;
    if (!backend.keyGroupRange().contains(dev.cairn.state.spi.KeyGroups.assign(Serializers.LONG, key, backend.maxParallelism()))) {
      return;
    }
    backend.setCurrentKey(key);
    count.update(count.value() + 1);
    recent.add("r" + n);
    if (n % 7 == 0) {
      recent.update(List.of("reset" + n));
    }
    attributes.put("a" + (n % 3), n % 5 == 0 ? null : n);
    if (n % 11 == 0) {
      attributes.remove("a" + (n % 3));
    }
    sum.add(n);
    max.add(n * 31 % 1000);
    if (n % 13 == 0) {
      sum.clear();
    }
  }

  /** Processes records {@code from} until {@code to}, recording {@code to} as the offset. */
  void processRange(long from, long to, int keys) {
    for (long n = from; n < to; n++) {
      process(n, keys);
    }
    offset.update(List.of(to));
  }

  long offset() {
    Long value = null;
    for (Long v : offset.get()) {
      value = v;
    }
    return value == null ? 0 : value;
  }

  /** Returns key -> description of all its state, sorted. */
  Map<Long, String> dump() {
    Map<Long, String> result = new TreeMap<>();
    List<Long> keys;
    try (var stream = backend.keys("count")) {
      keys = new ArrayList<>(stream.toList());
    }
    for (Long key : keys) {
      backend.setCurrentKey(key);
      List<String> items = new ArrayList<>();
      recent.get().forEach(items::add);
      Map<String, Long> attrs = new TreeMap<>();
      attributes.entries().forEach(e -> attrs.put(e.getKey(), e.getValue()));
      result.put(key, count.value() + "|" + items + "|" + attrs + "|" + sum.get() + "|" + max.get());
    }
    return result;
  }

  /** What a run over records [0, to) produces, computed in one uninterrupted job. */
  static Map<Long, String> expected(long to, int keys) {
    try (TestJob job = new TestJob().open()) {
      job.processRange(0, to, keys);
      return job.dump();
    }
  }

  static Map<Long, String> merge(List<TestJob> jobs) {
    Map<Long, String> all = new HashMap<>();
    for (TestJob job : jobs) {
      all.putAll(job.dump());
    }
    return new TreeMap<>(all);
  }

  @Override
  public void close() {
    backend.close();
  }
}
