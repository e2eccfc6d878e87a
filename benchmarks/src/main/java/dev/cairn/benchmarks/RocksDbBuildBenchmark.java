package dev.cairn.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * RocksDB alone, with neither Cairn nor Flink: point gets of existing keys in a database of
 * {@code keys × perKey} entries (18-byte keys {@code [key group: 2][key: 8][entry: 8]}, 8-byte
 * values), after a full compaction and a pass that reads every entry once, under the 512 MiB budget
 * of the state benchmarks (an LRU block cache holding index and filter blocks, memtables charged to
 * it) with RocksDB's default table layout (one index block per file, no Bloom filter). The class
 * uses only RocksDB's Java API, so it is compiled into both jars: in {@code benchmarks.jar} it runs
 * Cairn's rocksdbjni, in {@code flink-baselines.jar} Flink's frocksdbjni. Run side by side with
 * {@code benchmarks/pair.sh}, the two measure what the RocksDB build alone contributes to a gap
 * between Cairn's and Flink's point reads.
 *
 * <pre>
 * benchmarks/pair.sh rocksdb-build benchmarks/target/benchmarks.jar 'RocksDbBuildBenchmark' -p perKey=10 \
 *     -- benchmarks/flink-baselines/target/flink-baselines.jar 'RocksDbBuildBenchmark' -p perKey=10
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class RocksDbBuildBenchmark {

  /** Distinct keys. */
  @Param("1000000")
  public int keys;

  /** Entries per key: 1 is value state's layout, 10 map state's of the state benchmarks. */
  @Param({"1", "10"})
  public int perKey;

  private final Deque<AutoCloseable> natives = new ArrayDeque<>();
  private final byte[] key = new byte[18];
  private KeySequence sequence;
  private Path directory;
  private RocksDB db;
  private ReadOptions readOptions;
  private int entry;
  /** What the warm pass read, kept so that no compiler can drop the reads. */
  public long warmed;

  @Setup
  public void open() throws IOException, RocksDBException {
    RocksDB.loadLibrary();
    sequence = new KeySequence(keys);
    long budget = BackendAdapters.ROCKSDB_MEMORY_BUDGET;
    LRUCache cache = own(new LRUCache(budget * 5 / 6, -1, false, 0.1));
    WriteBufferManager writeBuffers = own(new WriteBufferManager(budget / 3, cache));
    BlockBasedTableConfig table = new BlockBasedTableConfig()
        .setBlockCache(cache)
        .setBlockSize(4 << 10)
        .setCacheIndexAndFilterBlocks(true)
        .setCacheIndexAndFilterBlocksWithHighPriority(true);
    Options options = own(new Options().setCreateIfMissing(true).setWriteBufferManager(writeBuffers)
        .setTableFormatConfig(table));
    directory = Files.createTempDirectory("cairn-rocksdb-build-bench");
    db = own(RocksDB.open(options, directory.toString()));
    readOptions = own(new ReadOptions());
    try (WriteOptions noWal = new WriteOptions().setDisableWAL(true)) {
      byte[] value = new byte[8];
      for (Long k : sequence.all()) {
        for (int e = 0; e < perKey; e++) {
          db.put(noWal, key(k, e), value);
        }
      }
    }
    db.compactRange();
    for (Long k : sequence.all()) {
      for (int e = 0; e < perKey; e++) {
        warmed += db.get(readOptions, key(k, e)).length;
      }
    }
  }

  @TearDown
  public void close() throws Exception {
    while (!natives.isEmpty()) {
      natives.pop().close();
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(file);
      }
    }
  }

  @Benchmark
  public byte[] get() throws RocksDBException {
    int e = entry + 1;
    entry = e == perKey ? 0 : e;
    return db.get(readOptions, key(sequence.next(), entry));
  }

  /** Fills {@link #key} with the key of entry {@code e} of {@code k} and returns it. */
  private byte[] key(long k, int e) {
    int group = Math.floorMod(Long.hashCode(k) * 0x9E3779B9, BackendAdapters.MAX_PARALLELISM);
    key[0] = (byte) (group >>> 8);
    key[1] = (byte) group;
    for (int i = 0; i < 8; i++) {
      key[2 + i] = (byte) (k >>> (56 - 8 * i));
      key[10 + i] = (byte) ((long) e >>> (56 - 8 * i));
    }
    return key;
  }

  private <T extends AutoCloseable> T own(T handle) {
    natives.push(handle);
    return handle;
  }
}
