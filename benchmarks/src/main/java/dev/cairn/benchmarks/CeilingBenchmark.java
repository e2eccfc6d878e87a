package dev.cairn.benchmarks;

import dev.cairn.state.rocksdb.RocksDbMemory;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.KeyGroups;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionStyle;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.StringAppendOperator;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The physical ceilings of the state benchmarks, on the same {@code keys} keys drawn the same way:
 * a raw {@code HashMap<Long, Long>} (get, put, merge with {@code Long::sum}) and raw rocksdbjni (get,
 * put, merge with the append operator, through reused direct buffers) with Cairn's RocksDB key encoding
 * ({@code [key group: 2 bytes][key: 8 bytes]}, the key group computed per access), options and
 * memory budget (block cache with index and filter blocks, write-buffer manager charged to it).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar CeilingBenchmark -p ceiling=hashmap,rocksdb
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@State(Scope.Thread)
public class CeilingBenchmark {

  /** Which raw store. */
  @Param({"hashmap", "rocksdb"})
  public String ceiling;

  @Param("1000000")
  public int keys;

  /** As {@link KeyedStateBenchmarkBase#oldGen}: measure with the filled map in the old generation. */
  @Param("true")
  public boolean oldGen;

  private KeySequence sequence;
  private Store store;

  /** The three raw operations. */
  private interface Store extends AutoCloseable {
    Object get(Long key) throws Exception;

    void put(Long key, Long value) throws Exception;

    void merge(Long key, Long value) throws Exception;
  }

  @Setup
  public void setUp() throws Exception {
    sequence = new KeySequence(keys);
    store = ceiling.equals("hashmap") ? new MapStore() : new RocksDbStore();
    for (Long key : sequence.all()) {
      store.put(key, key);
    }
    if (store instanceof RocksDbStore rocksDb) {
      rocksDb.compact();
    }
    for (Long key : sequence.all()) { // the state benchmarks' warm pass: measure with the cache loaded
      store.get(key);
    }
    if (oldGen) {
      System.gc();
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    store.close();
  }

  @Benchmark
  public Object get() throws Exception {
    return store.get(sequence.next());
  }

  @Benchmark
  public void put() throws Exception {
    Long key = sequence.next();
    store.put(key, key);
  }

  @Benchmark
  public void merge() throws Exception {
    Long key = sequence.next();
    store.merge(key, key);
  }

  private static final class MapStore implements Store {
    private final HashMap<Long, Long> map = new HashMap<>();

    @Override
    public Object get(Long key) {
      return map.get(key);
    }

    @Override
    public void put(Long key, Long value) {
      map.put(key, value);
    }

    @Override
    public void merge(Long key, Long value) {
      map.merge(key, value, Long::sum);
    }

    @Override
    public void close() {}
  }

  /**
   * rocksdbjni configured as Cairn's backend configures it by default (RocksDbKeyedBackend,
   * RocksDbProfile.DEFAULT, RocksDbMemory; keep in step with them), without a row cache.
   */
  private static final class RocksDbStore implements Store {
    private final Deque<AutoCloseable> natives = new ArrayDeque<>();
    private final Path directory;
    private final RocksDB db;
    private final ColumnFamilyHandle column;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    private final ByteBuffer key = ByteBuffer.allocateDirect(10);
    private final ByteBuffer value = ByteBuffer.allocateDirect(256);

    RocksDbStore() throws Exception {
      RocksDB.loadLibrary();
      directory = Files.createTempDirectory("cairn-ceiling");
      long cacheBytes;
      long writeBufferBytes;
      try (RocksDbMemory budget = RocksDbMemory.create(BackendAdapters.ROCKSDB_MEMORY_BUDGET)) {
        cacheBytes = budget.cacheCapacityBytes();
        writeBufferBytes = budget.writeBufferBytes();
      }
      LRUCache cache = own(new LRUCache(cacheBytes, -1, false, RocksDbMemory.DEFAULT_HIGH_PRIORITY_POOL_RATIO));
      WriteBufferManager writeBuffers = own(new WriteBufferManager(writeBufferBytes, cache));
      DBOptions dbOptions = own(new DBOptions())
          .setCreateIfMissing(true)
          .setWriteBufferManager(writeBuffers)
          .setMaxBackgroundJobs(2)
          .setStatsDumpPeriodSec(0);
      BlockBasedTableConfig table = new BlockBasedTableConfig()
          .setBlockSize(4L << 10)
          .setBlockCache(cache)
          .setCacheIndexAndFilterBlocks(true)
          .setCacheIndexAndFilterBlocksWithHighPriority(true)
          .setIndexType(IndexType.kTwoLevelIndexSearch)
          .setPartitionFilters(true)
          .setMetadataBlockSize(4096)
          .setPinTopLevelIndexAndFilter(true)
          .setFilterPolicy(own(new BloomFilter(10, false)));
      // RocksDbMemory's per-column-family write buffer (a quarter of the manager's limit, at most
      // 8 MiB) and arena blocks (1/64 of it, 64 KiB to 1 MiB)
      ColumnFamilyOptions columnOptions = own(new ColumnFamilyOptions())
          .setCompactionStyle(CompactionStyle.LEVEL)
          .setLevelCompactionDynamicLevelBytes(true)
          .setOptimizeFiltersForHits(true)
          .setMergeOperator(own(new StringAppendOperator("")))
          .setWriteBufferSize(Math.max(512L << 10, Math.min(8L << 20, writeBufferBytes / 4)))
          .setArenaBlockSize(Math.max(64L << 10, Math.min(1L << 20, writeBufferBytes / 64)))
          .setTableFormatConfig(table);
      List<ColumnFamilyHandle> handles = new java.util.ArrayList<>();
      db = own(RocksDB.open(dbOptions, directory.toString(),
          List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, columnOptions)), handles));
      column = own(db.createColumnFamily(new ColumnFamilyDescriptor("state/value".getBytes(), columnOptions)));
      handles.forEach(this::own);
      writeOptions = own(new WriteOptions().setDisableWAL(true));
      readOptions = own(new ReadOptions());
    }

    private <T extends AutoCloseable> T own(T handle) {
      natives.push(handle);
      return handle;
    }

    /** Writes {@code [key group][key]} into {@link #key}, ready to pass. */
    private ByteBuffer encode(Long key) {
      int keyGroup = KeyGroups.assign(Serializers.LONG, key, BackendAdapters.MAX_PARALLELISM);
      return this.key.clear().putShort((short) keyGroup).putLong(key).flip();
    }

    @Override
    public Object get(Long key) throws Exception {
      int length = db.get(column, readOptions, encode(key), value.clear());
      return length == RocksDB.NOT_FOUND ? null : value;
    }

    @Override
    public void put(Long key, Long value) throws Exception {
      db.put(column, writeOptions, encode(key), this.value.clear().putLong(value).flip());
    }

    @Override
    public void merge(Long key, Long value) throws Exception {
      db.merge(column, writeOptions, encode(key), this.value.clear().putLong(value).flip());
    }

    void compact() throws Exception {
      try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
        db.flush(flush, column);
      }
      db.compactRange(column);
    }

    @Override
    public void close() throws Exception {
      while (!natives.isEmpty()) {
        natives.pop().close();
      }
      CheckpointBenchmark.deleteRecursively(directory);
    }
  }
}
