package dev.cairn.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Heap bytes per key of a filled keyed state, measured the same way for every backend: heap used
 * after a full GC with the state held, minus heap used after a full GC before the backend was
 * opened, divided by {@code keys}. Keys and values are fresh {@code Long} objects created while
 * filling (as a stream application's deserialized records would be), so they count where the
 * backend keeps them. The figure is the {@code bytesPerKey} counter; the time is only the fill's.
 *
 * <ul>
 *   <li>{@code shape=value}: one {@code ValueState<Long>} per key;
 *   <li>{@code shape=list}: a {@code ListState<Long>} of 10 elements per key;
 *   <li>{@code shape=map}: a {@code MapState<Long, Long>} of 10 entries per key.
 * </ul>
 *
 * <p>Backends: {@code cairn-heap}, {@code cairn-rocksdb} (Cairn jar), {@code flink-heap}, {@code
 * flink-rocksdb} (Flink jar), and {@code hashmap} in both: plain {@code HashMap<Long, Long>}, {@code
 * HashMap<Long, ArrayList<Long>>} and {@code HashMap<Long, HashMap<Long, Long>>}, the floor for a
 * heap backend. For RocksDB {@code bytesPerKey} is only its Java heap (the data lives off heap and on
 * disk); {@code diskBytesPerKey} is its SST files' bytes after a flush and full compaction.
 * One measurement per fork; AuxCounters of several iterations would be summed.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar MemoryPerEntryBenchmark -p backend=cairn-heap,hashmap
 * java -jar benchmarks/flink-baselines/target/flink-baselines.jar MemoryPerEntryBenchmark -p backend=flink-heap
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@State(Scope.Benchmark)
public class MemoryPerEntryBenchmark {

  private static final int COLLECTION_SIZE = 10;

  /** The backend, by adapter name, or {@code hashmap}. */
  @Param({"cairn-heap", "hashmap"})
  public String backend;

  /** What each key holds. */
  @Param({"value", "list", "map"})
  public String shape;

  /** The number of keys filled. */
  @Param("1000000")
  public int keys;

  /** The measured figure. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Footprint {
    /** Heap bytes per key. */
    public double bytesPerKey;
    /** RocksDB backends: bytes of SST files on disk per key, after flush and full compaction; else 0. */
    public double diskBytesPerKey;
  }

  /** Fills a new backend and measures what it keeps on the heap; returns it so that it stays reachable. */
  @Benchmark
  public Object fill(Footprint footprint) throws Exception {
    long before = usedAfterFullGc();
    Object held = backend.equals("hashmap") ? fillHashMap() : fillBackend();
    long after = usedAfterFullGc();
    footprint.bytesPerKey = (after - before) / (double) keys;
    if (held instanceof BackendAdapter adapter) {
      footprint.diskBytesPerKey = Math.max(0, adapter.diskBytes()) / (double) keys;
      adapter.close();
    }
    return held.getClass();
  }

  private Object fillBackend() throws Exception {
    BackendAdapter adapter = BackendAdapters.open(backend);
    switch (shape) {
      case "value" -> {
        BackendAdapter.ValueAccess state = adapter.value("value");
        for (long k = 0; k < keys; k++) {
          adapter.setCurrentKey(Long.valueOf(k));
          state.update(Long.valueOf(k * 31));
        }
      }
      case "list" -> {
        BackendAdapter.ListAccess state = adapter.list("list");
        for (long k = 0; k < keys; k++) {
          adapter.setCurrentKey(Long.valueOf(k));
          for (int i = 0; i < COLLECTION_SIZE; i++) {
            state.add(Long.valueOf(k * 31 + i));
          }
        }
      }
      case "map" -> {
        BackendAdapter.MapAccess state = adapter.map("map");
        for (long k = 0; k < keys; k++) {
          adapter.setCurrentKey(Long.valueOf(k));
          for (int i = 0; i < COLLECTION_SIZE; i++) {
            state.put(Long.valueOf(i), Long.valueOf(k * 31 + i));
          }
        }
      }
      default -> throw new IllegalArgumentException("unknown shape " + shape);
    }
    adapter.compact();
    return adapter;
  }

  private Object fillHashMap() {
    switch (shape) {
      case "value" -> {
        Map<Long, Long> map = new HashMap<>();
        for (long k = 0; k < keys; k++) {
          map.put(Long.valueOf(k), Long.valueOf(k * 31));
        }
        return map;
      }
      case "list" -> {
        Map<Long, List<Long>> map = new HashMap<>();
        for (long k = 0; k < keys; k++) {
          List<Long> list = map.computeIfAbsent(Long.valueOf(k), key -> new ArrayList<>());
          for (int i = 0; i < COLLECTION_SIZE; i++) {
            list.add(Long.valueOf(k * 31 + i));
          }
        }
        return map;
      }
      case "map" -> {
        Map<Long, Map<Long, Long>> map = new HashMap<>();
        for (long k = 0; k < keys; k++) {
          Map<Long, Long> inner = map.computeIfAbsent(Long.valueOf(k), key -> new HashMap<>());
          for (int i = 0; i < COLLECTION_SIZE; i++) {
            inner.put(Long.valueOf(i), Long.valueOf(k * 31 + i));
          }
        }
        return map;
      }
      default -> throw new IllegalArgumentException("unknown shape " + shape);
    }
  }

  /** Heap used after full GCs, once two in a row agree within 1 MiB (at most 10 tries). */
  static long usedAfterFullGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(50);
      long used = memory.getHeapMemoryUsage().getUsed();
      if (Math.abs(previous - used) < (1 << 20)) {
        return used;
      }
      previous = used;
    }
    return previous;
  }
}
