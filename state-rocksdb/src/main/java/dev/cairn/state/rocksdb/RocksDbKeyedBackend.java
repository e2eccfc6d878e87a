package dev.cairn.state.rocksdb;

import dev.cairn.state.AggregatingStateDescriptor;
import dev.cairn.state.BackendClosedException;
import dev.cairn.state.KeyGroupOutOfRangeException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.KeyedStateFunction;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.NoCurrentKeyException;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.SerializationException;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.State;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.StateKind;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.metrics.BackendMetrics;
import dev.cairn.state.metrics.MeteredBackend;
import dev.cairn.state.metrics.RestoreListener;
import dev.cairn.state.metrics.RestoreProgress;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import dev.cairn.state.spi.BackendView;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyGroups;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.KeyedSnapshotReader;
import dev.cairn.state.spi.OwnerThread;
import dev.cairn.state.spi.QueryableBackend;
import dev.cairn.state.spi.ScannableBackend;
import dev.cairn.state.spi.StateCursor;
import dev.cairn.state.spi.MigrationMonitor;
import dev.cairn.state.spi.RestoreMonitor;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateMetaInfo;
import dev.cairn.state.spi.StateMigration;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.StateSnapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.CRC32C;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.DirectSlice;
import org.rocksdb.FlushOptions;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.Status;
import org.rocksdb.StringAppendOperator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RocksDB keyed backend: one RocksDB instance, one column family per state.
 *
 * <p><b>Key layout.</b> {@code [key group: 2 bytes big-endian][serialized key]}, plus {@code
 * [serialized user key]} for map state, so a key group, a key, and a key's map are each one
 * contiguous range. The key serializer's bytes must be self-delimiting (every Cairn serializer's
 * are: {@link TypeSerializer#deserialize} consumes exactly what {@code serialize} wrote), so no key's
 * bytes are a prefix of another's. The current key's prefix is serialized once, in {@link
 * #setCurrentKey}, into {@link #keyBuffer}; map operations append the user key after it.
 *
 * <p><b>Threading.</b> The task thread owns the backend and its states (no locking on the hot path);
 * {@link #ownerThread} refuses every other thread.
 * Asynchronous snapshot writers and readers of views ({@link RocksDbStateView}) hold a {@link ResourceGuard} lease while they touch native handles;
 * {@link #close()} waits for them to notice and stop before it frees anything. So do other backends
 * of the same {@link RocksDbMemory} that flush this one's memtables ({@link #requestFlush}).
 *
 * <p><b>Snapshots.</b> Canonical snapshots iterate a native RocksDB snapshot ({@link
 * RocksDbSnapshot}); incremental ones are native checkpoints whose SST files are shared with earlier
 * checkpoints ({@link RocksDbIncrementalSnapshot}, {@link SharedFileRegistry}). A restore of one
 * native snapshot of this backend's key groups places its files as the database; other restores copy
 * entries in. A failed restore drops every restored column family.
 *
 * <p><b>Opening.</b> The database opens when it is first needed: the first state accessed, snapshot
 * taken or restore that copies entries. Column families are created then too, all pending ones in
 * one call ({@link #createPendingColumns}): RocksDB rewrites its whole OPTIONS file for each call. A
 * restore that places a snapshot's files opens the restored database directly, so a backend that
 * starts by restoring never creates an empty database first (that creation, with its fsyncs, cost
 * about as much as the rest of a native restore).
 *
 * <p><b>Write stalls.</b> Every write (put, merge, delete, write batch, restore batch) is one JNI
 * call with {@code no_slowdown}: where RocksDB would block the writer it fails with status {@code
 * Incomplete} instead, having written nothing. Two things stall a write. (1) The write-buffer
 * manager shared through the {@link RocksDbMemory}, while the memtables of all its backends are at
 * its limit; RocksDB flushes only the writing database's memtables, so if another, idle backend
 * holds that memory the write would wait forever. (2) This database's own write controller, which
 * delays or stops writes while flushes and compactions fall behind (too many L0 files or memtables,
 * pending compaction bytes). After an {@code Incomplete}, {@link #relieveWriteStall} asks every
 * backend of the budget to flush ({@link RocksDbMemory#flushAll}), unless the stall is clearly (2):
 * the controller is delaying or stopping writes and the cache's pinned usage, an upper bound of the
 * manager's usage, is below its limit. Flushing everything on every slowdown of kind (2) would
 * only pile up small L0 files, which slows writes further. Then the write is retried, still with
 * {@code no_slowdown}, after pauses of 1 ms doubling up to 100 ms, until it goes through, fails
 * otherwise (a background error such as a full disk), or has stalled for {@value
 * #STALL_TIMEOUT_SECONDS} s ({@link #retryAfterStall}); a blocking retry could wait forever when
 * flushes free no memory. The common path stays a single JNI call, with no allocation and no lock (the
 * module README has the measurements).
 */
final class RocksDbKeyedBackend<K>
    implements KeyedStateBackend<K>, Snapshotable, MeteredBackend, QueryableBackend<K>, ScannableBackend<K> {

  private static final Logger LOG = LoggerFactory.getLogger(RocksDbKeyedBackend.class);
  private static final int RESTORE_BATCH_BYTES = 4 << 20;
  private static final int MAX_RETAINED_READ_BUFFER = 1 << 20;
  /** How long a write may stall before it fails ({@link #retryAfterStall}). */
  static final int STALL_TIMEOUT_SECONDS = 60;
  static final int NOT_FOUND = RocksDB.NOT_FOUND;
  /**
   * How many write-back cache entries may be dirty at once once the backend takes incremental
   * snapshots ({@link WriteBackCache#boundDirty}); full snapshots merge dirty entries without
   * writing them, so they leave the cache unbounded.
   */
  static final int MAX_DIRTY_WITH_INCREMENTAL_SNAPSHOTS = 1024;

  static {
    RocksDB.loadLibrary();
  }

  final TypeSerializer<K> keySerializer;
  private final int maxParallelism;
  private final KeyGroupRange keyGroupRange;
  private final WorkingDirectory directory;
  private final RocksDbMemory memory;
  private final boolean ownsMemory;
  private final ResourceGuard guard;
  private final OwnerThread ownerThread;

  /** Every native handle the backend owns, closed in reverse order of creation. */
  private final Deque<AutoCloseable> natives = new ArrayDeque<>();
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions columnFamilyOptions;
  /**
   * The database: null until {@link #database()} opens it; set and replaced (by a restore that places
   * a snapshot's files) only under the guard's exclusive lock.
   */
  private RocksDB db;
  private ColumnFamilyHandle defaultColumn;
  /** Hot-path writes: no write-ahead log, and an {@code Incomplete} status instead of a stall. */
  private final WriteOptions writeOptions;
  /** Flush requests of a write stall, possibly from another backend's thread: never wait. */
  private final FlushOptions stallFlushOptions;
  private final ReadOptions readOptions;
  /** Read options bounded by {@link #scanBound}, which {@link #boundTo} rewrites for each scan. */
  private final ReadOptions scanOptions;
  private ByteBuffer scanBoundBytes = ByteBuffer.allocateDirect(64);
  private DirectSlice scanBound;
  private final WriteBatch batch;
  /** Point reads and writes on the heap in front of RocksDB; null when disabled. */
  private final WriteBackCache cache;

  private final Map<String, RocksDbColumn> columns = new LinkedHashMap<>();
  /** Registered states whose column families are not created yet ({@link #createPendingColumns}). */
  private final List<RocksDbColumn> pendingColumns = new ArrayList<>();
  private final Set<RocksIterator> openIterators = ConcurrentHashMap.newKeySet();
  /** The native snapshots of open canonical snapshots and of views; released by their owners or by close. */
  private final Set<Snapshot> openSnapshots = ConcurrentHashMap.newKeySet();
  private final SharedFileRegistry sharedFiles = new SharedFileRegistry();
  /** Every state's column family, for {@link #requestFlush} on other threads; replaced, never changed. */
  private volatile List<ColumnFamilyHandle> flushHandles = List.of();
  /** The registered states with column families, for {@link #metrics()}: replaced, never changed. */
  private volatile List<RocksDbMetrics.Column> meteredColumns = List.of();
  private final RestoreListener restoreListener;
  private final Duration restoreProgressInterval;
  private volatile RestoreProgress lastRestore;
  /** The sequence number at the last {@link #requestFlush}: nothing to flush while it is the latest. */
  private volatile long flushRequestedAt;

  /** {@code [key group][current key]} then, for map operations, the user key. */
  final DataOutputBuffer keyBuffer = new DataOutputBuffer(64);
  /** The value being written. */
  final DataOutputBuffer valueBuffer = new DataOutputBuffer(128);
  /** A scratch buffer for one serialized list element. */
  final DataOutputBuffer elementBuffer = new DataOutputBuffer(64);
  /**
   * Native-memory copies of the key and the value crossing JNI on the hot path: rocksdbjni's
   * ByteBuffer calls hand RocksDB the buffer's address, where its byte[] calls copy the arrays into
   * and out of native allocations (point reads +20% in CeilingBenchmark with 1e6 keys). Each grows to
   * the largest key or value seen, and is dropped back after a value over {@value
   * #MAX_RETAINED_READ_BUFFER} bytes.
   */
  private ByteBuffer nativeKey = ByteBuffer.allocateDirect(64);
  private ByteBuffer nativeValue = ByteBuffer.allocateDirect(256);
  /** Where values are read to; grows up to {@value #MAX_RETAINED_READ_BUFFER} bytes and is kept. */
  private byte[] readBuffer = new byte[256];
  /** The value last read by {@link #read}: {@link #readBuffer}, or a one-off array for a larger value. */
  private byte[] readResult = readBuffer;
  private final DataInputBuffer readInput = new DataInputBuffer();

  private K currentKey;
  private int currentKeyGroup = -1;
  private int prefixLength;
  private volatile boolean closed;

  RocksDbKeyedBackend(
      TypeSerializer<K> keySerializer,
      int maxParallelism,
      KeyGroupRange keyGroupRange,
      WorkingDirectory directory,
      RocksDbMemory memory,
      boolean ownsMemory,
      RocksDbProfile profile,
      boolean cacheRows,
      long writeBackCacheBytes,
      RocksDbOptionsCustomizer customizer,
      RestoreListener restoreListener,
      Duration restoreProgressInterval) {
    this.keySerializer = keySerializer;
    this.restoreListener = restoreListener;
    this.restoreProgressInterval = restoreProgressInterval;
    this.maxParallelism = maxParallelism;
    this.keyGroupRange = keyGroupRange;
    this.directory = directory;
    this.memory = memory;
    this.ownsMemory = ownsMemory;
    this.guard = new ResourceGuard("RocksDB backend in " + directory.root());
    this.ownerThread = new OwnerThread("RocksDB backend in " + directory.root());
    try {
      memory.attach();
    } catch (RuntimeException e) {
      directory.close();
      throw e;
    }
    try {
      dbOptions = own(new DBOptions());
      columnFamilyOptions = own(new ColumnFamilyOptions());
      BlockBasedTableConfig table = new BlockBasedTableConfig();
      profile.configure(dbOptions, columnFamilyOptions, table);
      dbOptions
          .setCreateIfMissing(true)
          .setWriteBufferManager(memory.writeBufferManager())
          .setAvoidFlushDuringShutdown(true)
          .setInfoLogLevel(InfoLogLevel.HEADER_LEVEL)
          .setKeepLogFileNum(1)
          .setStatsDumpPeriodSec(0)
          .setStatsPersistPeriodSec(0);
      // Index and filters in the cache, partitioned: a full filter block per SST file (hundreds of
      // KiB) evicted under a tight budget made every point read reload it (100x slower reads);
      // partitions are 4 KiB blocks, and only the small top level is pinned.
      table
          .setBlockCache(memory.cache())
          .setCacheIndexAndFilterBlocks(true)
          .setCacheIndexAndFilterBlocksWithHighPriority(true)
          .setIndexType(IndexType.kTwoLevelIndexSearch)
          .setPartitionFilters(true)
          .setMetadataBlockSize(4096)
          .setPinTopLevelIndexAndFilter(true)
          .setFilterPolicy(own(new BloomFilter(10, false)));
      columnFamilyOptions
          // no Bloom filter on the last level, where most data lives: gets of existing keys skip a
          // filter probe (+19% value get in ValueStateBenchmark); misses there read an index block
          .setOptimizeFiltersForHits(true)
          .setMergeOperator(own(new StringAppendOperator("")))
          .setWriteBufferSize(memory.columnFamilyWriteBufferSize())
          .setArenaBlockSize(memory.arenaBlockSize())
          .setTableFormatConfig(table);
      if (cacheRows) {
        dbOptions.setRowCache(memory.cache()); // rows charged to the same budget as blocks
      }
      if (customizer != null) {
        customizer.customize(dbOptions, columnFamilyOptions);
      }
      writeOptions = own(new WriteOptions().setDisableWAL(true).setNoSlowdown(true));
      stallFlushOptions = own(new FlushOptions().setWaitForFlush(false).setAllowWriteStall(true));
      readOptions = own(new ReadOptions());
      scanBound = own(new DirectSlice(scanBoundBytes, 0));
      scanOptions = own(new ReadOptions().setIterateUpperBound(scanBound));
      batch = own(new WriteBatch());
      cache = writeBackCacheBytes == 0 ? null : new WriteBackCache(
          writeBackCacheBytes, own(new WriteBatch()), (cached, column) -> writeBatch(cached, "write", column));
      memory.addFlushable(this);
    } catch (RuntimeException | Error e) {
      releaseAfterFailedOpen();
      throw e;
    }
  }

  /** Returns the database, opening an empty one in the working directory if none is open yet. */
  private RocksDB database() {
    if (db == null) {
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB opened;
      try {
        opened = RocksDB.open(dbOptions, directory.dbPath().toString(),
            List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, columnFamilyOptions)), handles);
      } catch (RocksDBException e) {
        throw new RocksDbStateException("open the database in " + directory.dbPath(), null, e);
      }
      guard.runExclusive(() -> {
        db = own(opened);
        defaultColumn = own(handles.get(0));
      });
    }
    return db;
  }

  private <T extends AutoCloseable> T own(T handle) {
    natives.push(handle);
    return handle;
  }

  private void releaseAfterFailedOpen() {
    closeNatives();
    try {
      directory.close();
    } finally {
      memory.detach();
      if (ownsMemory) {
        memory.close();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // current key

  @Override
  public void setCurrentKey(K key) {
    if (key == null) {
      throw new NullPointerException("key must not be null");
    }
    ownerThread.checkKeyed();
    checkOpen();
    int keyGroup = KeyGroups.assign(keySerializer, key, maxParallelism);
    if (!keyGroupRange.contains(keyGroup)) {
      throw new KeyGroupOutOfRangeException(
          "key " + key + " belongs to key group " + keyGroup + ", outside this backend's range " + keyGroupRange);
    }
    currentKeyGroup = -1; // until the key is serialized
    currentKey = null;
    keyBuffer.reset();
    keyBuffer.writeShort(keyGroup);
    keySerializer.serialize(key, keyBuffer);
    prefixLength = keyBuffer.length();
    currentKey = key;
    currentKeyGroup = keyGroup;
  }

  @Override
  public K getCurrentKey() {
    ownerThread.check();
    checkOpen();
    return currentKey;
  }

  @Override
  public int getCurrentKeyGroup() {
    ownerThread.check();
    checkOpen();
    return currentKeyGroup;
  }

  private void clearCurrentKey() {
    currentKey = null;
    currentKeyGroup = -1;
  }

  // ---------------------------------------------------------------------------------------------
  // registration

  @Override
  public <S extends State> S getState(StateDescriptor<S> descriptor) {
    if (descriptor == null) {
      throw new NullPointerException("descriptor must not be null");
    }
    ownerThread.check();
    checkOpen();
    StateMetaInfo.refuseTtl(descriptor);
    RocksDbColumn column = columns.get(descriptor.name());
    if (column == null) {
      column = createColumn(StateMetaInfo.of(descriptor), false);
    } else if (column.restored) {
      StateMigration migration = column.meta.checkRestorableAs(descriptor);
      if (migration != null) {
        migrate(column, migration, descriptor);
      }
      column.meta = StateMetaInfo.of(descriptor);
      column.restored = false;
    } else {
      column.meta.checkSameState(descriptor);
    }
    if (!descriptor.equals(column.descriptor)) {
      column.state = newState(column, descriptor);
      column.descriptor = descriptor;
    }
    publishMeteredColumns();
    @SuppressWarnings("unchecked")
    S state = (S) column.state;
    return state;
  }

  /** Publishes the registered states that have a column family to {@link #metrics()}. */
  private void publishMeteredColumns() {
    List<RocksDbMetrics.Column> metered = new ArrayList<>(columns.size());
    for (RocksDbColumn column : columns.values()) {
      if (!column.restored && column.handle != null) {
        metered.add(new RocksDbMetrics.Column(column.name, column.kind(), column.handle, column));
      }
    }
    meteredColumns = List.copyOf(metered);
  }

  /**
   * Reads native properties under a lease of the guard (waiting only while the task thread opens or
   * replaces the database); registered states only.
   */
  @Override
  public BackendMetrics metrics() {
    try {
      guard.acquire();
    } catch (BackendClosedException e) {
      return RocksDbMetrics.read(directory.root(), null, List.of(), memory, lastRestore);
    }
    try {
      return RocksDbMetrics.read(directory.root(), db, meteredColumns, memory, lastRestore);
    } finally {
      guard.release();
    }
  }

  /**
   * Rewrites a restored state's column family in the new descriptor's format, before the state is
   * handed out. Passes over one iterator, which sees the entries as they were when it was made: the
   * first only converts every entry, so that data the new serializers cannot take fails before
   * anything changed; if map keys change their bytes, the next deletes every old entry (so that a
   * new key cannot collide with an old one not yet rewritten; no {@code DeleteRange}, which the row
   * cache does not support); the last writes the converted entries. Only the working copy changes:
   * the checkpoint restored from is untouched, so a crash leaves it as it was and the next restore
   * migrates again. Logs progress with rates.
   */
  @SuppressWarnings("unchecked")
  private void migrate(RocksDbColumn column, StateMigration migration, StateDescriptor<?> descriptor) {
    createPendingColumns();
    RocksDbMigration convert = new RocksDbMigration(column.kind(), migration, keySerializer,
        (TypeSerializer<Object>) descriptor.valueSerializer(),
        descriptor instanceof MapStateDescriptor<?, ?> map ? (TypeSerializer<Object>) map.userKeySerializer() : null);
    MigrationMonitor monitor = MigrationMonitor.start("rocksdb", migration, restoreListener, restoreProgressInterval);
    byte[] key = null;
    try (RocksIterator iterator = db.newIterator(column.handle, readOptions)) {
      List<String> passes = migration.userKeyReader() == null
          ? List.of("converted", "rewrote")
          : List.of("converted", "deleted", "rewrote");
      for (String pass : passes) {
        monitor.pass(pass);
        for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
          key = iterator.key();
          switch (pass) {
            case "deleted" -> batchDelete(column, key);
            case "rewrote" -> batchPut(column, convert.key(key), convert.value(iterator.value()));
            default -> {
              convert.key(key);
              convert.value(iterator.value());
            }
          }
          if (batch.getDataSize() >= RESTORE_BATCH_BYTES) {
            writeBatch("migrate", column);
          }
          monitor.entry();
        }
        checkIteratorStatus(iterator, "migrate", column.name);
        if (batch.count() > 0) {
          writeBatch("migrate", column);
        }
      }
    } catch (SerializationException e) {
      batch.clear();
      SerializationException failure = new SerializationException("state '" + column.name
          + "': cannot migrate the restored entry of key " + (key == null ? "?" : convert.describeKey(key)) + " ("
          + migration.reason() + "), nothing was changed: " + e.getMessage(), e);
      monitor.end(failure);
      throw failure;
    } catch (RuntimeException | Error e) {
      monitor.end(e);
      throw e;
    }
    monitor.end(null);
  }

  private static long rate(long entries, long nanos) {
    return nanos <= 0 ? entries : (long) (entries * 1e9 / nanos);
  }

  private State newState(RocksDbColumn column, StateDescriptor<?> descriptor) {
    if (descriptor instanceof ValueStateDescriptor<?> value) {
      return new RocksDbValueState<>(this, column, value);
    } else if (descriptor instanceof ListStateDescriptor<?> list) {
      return new RocksDbListState<>(this, column, list.valueSerializer());
    } else if (descriptor instanceof MapStateDescriptor<?, ?> map) {
      return new RocksDbMapState<>(this, column, map.userKeySerializer(), map.valueSerializer());
    } else if (descriptor instanceof ReducingStateDescriptor<?> reducing) {
      return new RocksDbReducingState<>(this, column, reducing);
    } else if (descriptor instanceof AggregatingStateDescriptor<?, ?, ?> aggregating) {
      return new RocksDbAggregatingState<>(this, column, aggregating);
    }
    throw new IllegalArgumentException("unknown descriptor " + descriptor);
  }

  /** Registers a state whose column family {@link #createPendingColumns} creates. */
  private RocksDbColumn createColumn(StateMetaInfo meta, boolean restored) {
    RocksDbColumn column = new RocksDbColumn(meta.name(), null, meta, restored);
    columns.put(meta.name(), column);
    pendingColumns.add(column);
    return column;
  }

  /**
   * Creates the column families of every state registered since the last call, in one RocksDB call.
   * RocksDB rewrites, syncs and re-parses its OPTIONS file (about 5 KB per column family) on every
   * column family creation: created one by one, 1,000 states took 454 s; a batch writes it once.
   */
  private void createPendingColumns() {
    if (pendingColumns.isEmpty()) {
      return;
    }
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>(pendingColumns.size());
    for (RocksDbColumn column : pendingColumns) {
      descriptors.add(new ColumnFamilyDescriptor(columnFamilyName(column.name), columnFamilyOptions));
    }
    List<ColumnFamilyHandle> created;
    try {
      created = database().createColumnFamilies(descriptors);
    } catch (RocksDBException e) {
      throw new RocksDbStateException("create the column families of " + pendingColumns.size()
          + " new states (the first: '" + pendingColumns.get(0).name + "')", null, e);
    }
    for (int i = 0; i < created.size(); i++) {
      pendingColumns.get(i).handle = own(created.get(i));
    }
    addFlushHandles(created);
    pendingColumns.clear();
    publishMeteredColumns();
  }

  private void addColumn(StateMetaInfo meta, ColumnFamilyHandle handle) {
    columns.put(meta.name(), new RocksDbColumn(meta.name(), handle, meta, true));
  }

  private void addFlushHandles(List<ColumnFamilyHandle> added) {
    List<ColumnFamilyHandle> handles = new ArrayList<>(flushHandles);
    handles.addAll(added);
    flushHandles = List.copyOf(handles);
  }

  /** Returns the name of a state's column family; state names are never file names. */
  static byte[] columnFamilyName(String stateName) {
    return ("state/" + stateName).getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------------------------------------
  // key enumeration

  @Override
  public Stream<K> keys(String stateName) {
    ownerThread.check();
    checkOpen();
    RocksDbColumn column = columns.get(stateName);
    if (column == null || column.restored) { // restored but not registered: not a state of this run yet
      throw new IllegalArgumentException("no state named '" + stateName + "' is registered");
    }
    createPendingColumns();
    flushCache(column);
    RocksIterator iterator = db.newIterator(column.handle, readOptions);
    openIterators.add(iterator);
    iterator.seekToFirst();
    KeySpliterator spliterator = new KeySpliterator(column, iterator);
    return StreamSupport.stream(spliterator, false).onClose(() -> {
      if (openIterators.remove(iterator)) {
        iterator.close();
      }
    });
  }

  /**
   * A cursor that reads the state's column family in key order, a batch of entries at a time through
   * a short-lived iterator that starts after the last key read ({@link RocksDbCursor}).
   */
  @Override
  public StateCursor<K> cursor(String stateName) {
    ownerThread.check();
    checkOpen();
    registeredColumn(stateName);
    return new RocksDbCursor<>(this, stateName);
  }

  /** Returns the column of a registered state, its column family created. */
  RocksDbColumn registeredColumn(String stateName) {
    RocksDbColumn column = columns.get(stateName);
    if (column == null || column.restored) { // restored but not registered: not a state of this run yet
      throw new IllegalArgumentException("no state named '" + stateName + "' is registered");
    }
    createPendingColumns();
    return column;
  }

  @Override
  public <S extends State> void applyToAllKeys(StateDescriptor<S> descriptor, KeyedStateFunction<K, S> function) {
    S state = getState(descriptor);
    K previous = currentKey;
    try (Stream<K> keys = keys(descriptor.name())) {
      keys.forEach(key -> {
        setCurrentKey(key);
        function.process(key, state);
      });
    } finally {
      if (closed) {
        clearCurrentKey();
      } else if (previous != null) {
        setCurrentKey(previous);
      } else {
        clearCurrentKey();
      }
    }
  }

  /** Streams the keys of one column family: each RocksDB key, or each distinct key prefix for maps. */
  private final class KeySpliterator extends Spliterators.AbstractSpliterator<K> {
    private final RocksDbColumn column;
    private final RocksIterator iterator;
    private final DataInputBuffer input = new DataInputBuffer();

    KeySpliterator(RocksDbColumn column, RocksIterator iterator) {
      super(Long.MAX_VALUE, Spliterator.DISTINCT | Spliterator.NONNULL | Spliterator.ORDERED);
      this.column = column;
      this.iterator = iterator;
    }

    @Override
    public boolean tryAdvance(Consumer<? super K> action) {
      checkOpen(column.name);
      if (!iterator.isValid()) {
        checkIteratorStatus(iterator, "enumerate the keys", column.name);
        return false;
      }
      byte[] raw = iterator.key();
      input.wrap(raw, 2, raw.length - 2);
      K key = keySerializer.deserialize(input);
      if (column.kind() == StateKind.MAP) {
        byte[] next = successor(Arrays.copyOf(raw, input.position()));
        if (next == null) {
          iterator.seekToLast();
          iterator.next();
        } else {
          iterator.seek(next);
        }
      } else {
        iterator.next();
      }
      action.accept(key);
      return true;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // hot-path primitives used by the states; all act on the current key

  /**
   * Checks the thread, that the backend is open and has a current key, and creates the column
   * families of states registered since the last access.
   */
  void checkAccess(RocksDbColumn column) {
    ownerThread.checkKeyed();
    if (closed) {
      throw new BackendClosedException("state '" + column.name + "' used after its backend was closed");
    }
    if (currentKeyGroup < 0) {
      throw new NoCurrentKeyException("state '" + column.name + "' accessed without a current key");
    }
    if (column.handle == null) {
      createPendingColumns();
    }
  }

  /** Checks the thread and that the backend is open, for iterators; {@code stateName} names the state. */
  void checkOpen(String stateName) {
    ownerThread.check();
    if (closed) {
      throw new BackendClosedException("state '" + stateName + "' used after its backend was closed");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new BackendClosedException("RocksDB backend in " + directory.root() + " is closed");
    }
  }

  /** Returns the length of the current key's prefix in {@link #keyBuffer}. */
  int prefixLength() {
    return prefixLength;
  }

  /** Truncates {@link #keyBuffer} to the current key's prefix and returns it, to append a user key. */
  DataOutputBuffer userKeyBuffer() {
    keyBuffer.truncate(prefixLength);
    return keyBuffer;
  }

  /** Returns a copy of the current key's prefix. */
  byte[] copyPrefix() {
    return Arrays.copyOf(keyBuffer.array(), prefixLength);
  }

  /**
   * Reads the value of {@code keyBuffer[0, keyLength)} into {@link #readBuffer}.
   *
   * @return the value's length, or {@link #NOT_FOUND}
   */
  int read(RocksDbColumn column, int keyLength) {
    if (cache == null) {
      return readStored(column, keyLength);
    }
    WriteBackCache.Entry cached = cache.find(column, keyBuffer.array(), keyLength);
    if (cached != null) {
      if (cached.value == null) {
        return NOT_FOUND;
      }
      readResult = cached.value; // never changed in place: the cache replaces arrays
      return cached.value.length;
    }
    int length = readStored(column, keyLength);
    if (length == NOT_FOUND) {
      cache.cacheRead(column, keyBuffer.array(), keyLength, null, 0);
    } else {
      cache.cacheRead(column, keyBuffer.array(), keyLength, readResult, length);
    }
    return length;
  }

  /** {@link #read} from RocksDB itself. */
  private int readStored(RocksDbColumn column, int keyLength) {
    try {
      ByteBuffer value = nativeValue.clear();
      int length = db.get(column.handle, readOptions, nativeKey(keyLength), value);
      while (length > value.capacity()) { // rare: a value larger than any before
        value = ByteBuffer.allocateDirect(length);
        length = db.get(column.handle, readOptions, nativeKey(keyLength), value);
      }
      if (value != nativeValue && value.capacity() <= MAX_RETAINED_READ_BUFFER) {
        nativeValue = value;
      }
      if (length == NOT_FOUND) {
        return NOT_FOUND;
      }
      readResult = readBuffer;
      if (length > readResult.length) {
        readResult = new byte[length];
        if (length <= MAX_RETAINED_READ_BUFFER) {
          readBuffer = readResult;
        }
      }
      value.get(0, readResult, 0, length);
      return length;
    } catch (RocksDBException e) {
      throw new RocksDbStateException("read", column.name, e);
    }
  }

  /** Returns whether {@code keyBuffer[0, keyLength)} has a value, without copying the value. */
  boolean exists(RocksDbColumn column, int keyLength) {
    if (cache != null) {
      WriteBackCache.Entry cached = cache.find(column, keyBuffer.array(), keyLength);
      if (cached != null) {
        return cached.value != null;
      }
    }
    try {
      return db.get(column.handle, readOptions, nativeKey(keyLength), nativeValue.clear().limit(0)) != NOT_FOUND;
    } catch (RocksDBException e) {
      throw new RocksDbStateException("read", column.name, e);
    }
  }

  /** Returns {@link #nativeKey} holding {@code keyBuffer[0, keyLength)}. */
  private ByteBuffer nativeKey(int keyLength) {
    return nativeKey(keyBuffer.array(), keyLength);
  }

  /** Returns {@link #nativeKey} holding {@code key}. */
  private ByteBuffer nativeKey(byte[] key) {
    return nativeKey(key, key.length);
  }

  private ByteBuffer nativeKey(byte[] bytes, int length) {
    if (length > nativeKey.capacity()) {
      nativeKey = ByteBuffer.allocateDirect(Math.max(length, 2 * nativeKey.capacity()));
    }
    return nativeKey.clear().put(bytes, 0, length).flip();
  }

  /** Returns {@link #nativeValue} holding {@link #valueBuffer}'s bytes. */
  private ByteBuffer nativeValueOfValueBuffer() {
    int length = valueBuffer.length();
    if (length > nativeValue.capacity()) {
      ByteBuffer grown = ByteBuffer.allocateDirect(length);
      if (length <= MAX_RETAINED_READ_BUFFER) {
        nativeValue = grown;
      }
      return grown.put(valueBuffer.array(), 0, length).flip();
    }
    return nativeValue.clear().put(valueBuffer.array(), 0, length).flip();
  }

  /** Returns an input over bytes {@code [offset, offset + length)} of the value last read. */
  DataInputBuffer readInput(int offset, int length) {
    return readInput.wrap(readResult, offset, length);
  }

  /** Returns the first byte of the value last read. */
  byte readFirstByte() {
    return readResult[0];
  }

  /** Writes {@link #valueBuffer} as the value of {@code keyBuffer[0, keyLength)}. */
  void write(RocksDbColumn column, int keyLength) {
    if (cache != null && cache.write(column, keyBuffer.array(), keyLength, valueBuffer.array(), valueBuffer.length())) {
      return;
    }
    ByteBuffer key = nativeKey(keyLength);
    ByteBuffer value = nativeValueOfValueBuffer();
    try {
      db.put(column.handle, writeOptions, key, value);
    } catch (RocksDBException e) {
      retryAfterStall(e, "write", column, options -> db.put(column.handle, options, key.rewind(), value.rewind()));
    }
  }

  /** Appends {@link #valueBuffer} to the value of {@code keyBuffer[0, keyLength)} (list state). */
  void merge(RocksDbColumn column, int keyLength) {
    if (cache != null && cache.append(column, keyBuffer.array(), keyLength, valueBuffer.array(), valueBuffer.length())) {
      return;
    }
    ByteBuffer key = nativeKey(keyLength);
    ByteBuffer value = nativeValueOfValueBuffer();
    try {
      db.merge(column.handle, writeOptions, key, value);
    } catch (RocksDBException e) {
      retryAfterStall(e, "append to", column, options -> db.merge(column.handle, options, key.rewind(), value.rewind()));
    }
  }

  /** Deletes {@code keyBuffer[0, keyLength)}. */
  void delete(RocksDbColumn column, int keyLength) {
    if (cache != null && cache.write(column, keyBuffer.array(), keyLength, null, 0)) {
      return;
    }
    ByteBuffer key = nativeKey(keyLength);
    try {
      db.delete(column.handle, writeOptions, key);
    } catch (RocksDBException e) {
      retryAfterStall(e, "delete from", column, options -> db.delete(column.handle, options, key.rewind()));
    }
  }

  /** Deletes one full RocksDB key. */
  void delete(RocksDbColumn column, byte[] key) {
    if (cache != null && cache.write(column, key, key.length, null, 0)) {
      return;
    }
    try {
      db.delete(column.handle, writeOptions, key);
    } catch (RocksDBException e) {
      retryAfterStall(e, "delete from", column, options -> db.delete(column.handle, options, key));
    }
  }

  /** Returns the shared write batch, empty; pass it to {@link #writeBatch} when filled. */
  WriteBatch batch() {
    return batch;
  }

  /** Writes and empties the shared batch. */
  void writeBatch(String operation, RocksDbColumn column) {
    writeBatch(batch, operation, column);
  }

  /** Writes and empties {@code batch}; {@code column} names the state in errors. */
  private void writeBatch(WriteBatch toWrite, String operation, RocksDbColumn column) {
    try {
      db.write(writeOptions, toWrite);
    } catch (RocksDBException e) {
      retryAfterStall(e, operation, column, options -> db.write(options, toWrite));
    } finally {
      toWrite.clear();
    }
  }

  /** One native write, repeated by {@link #retryAfterStall} with the options it is given. */
  private interface NativeWrite {
    void write(WriteOptions options) throws RocksDBException;
  }

  /**
   * Handles a failed hot-path write, which wrote nothing: throws unless it is a write stall;
   * otherwise relieves the stall and retries, still with {@code no_slowdown}, pausing between
   * attempts (1 ms, doubling up to 100 ms), until the write goes through, fails otherwise (a
   * background error such as a full disk ends the loop with that error), or has stalled for
   * {@value #STALL_TIMEOUT_SECONDS} s. A blocking retry could wait forever: the write-buffer
   * manager's stall ends only when memory is freed, and a flush that fails or is never scheduled
   * frees none (a full verify hung there).
   */
  private void retryAfterStall(RocksDBException first, String operation, RocksDbColumn column, NativeWrite write) {
    RocksDBException e = first;
    long start = System.nanoTime();
    long pauseMillis = 1;
    while (true) {
      Status status = e.getStatus();
      if (status == null || status.getCode() != Status.Code.Incomplete) {
        throw writeFailure(operation, column, e);
      }
      long stalledNanos = System.nanoTime() - start;
      if (stalledNanos > TimeUnit.SECONDS.toNanos(STALL_TIMEOUT_SECONDS)) {
        throw new RocksDbStateException("cannot " + operation + " state '" + column.name + "' in " + directory.root()
            + ": writes stalled for more than " + STALL_TIMEOUT_SECONDS + " s (memtables of the memory budget are"
            + " full and flushes free nothing; check the working directory's disk and the budget)", e);
      }
      relieveWriteStall();
      try {
        Thread.sleep(pauseMillis);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new RocksDbStateException("interrupted while the write to state '" + column.name + "' stalled", e);
      }
      pauseMillis = Math.min(100, pauseMillis * 2);
      try {
        write.write(writeOptions);
        if (stalledNanos > TimeUnit.SECONDS.toNanos(1)) {
          LOG.info("write to state '{}' in {} went through after a stall of {} ms", column.name, directory.root(),
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        return;
      } catch (RocksDBException next) {
        e = next;
      }
    }
  }

  /** Returns the exception for a failed write: a {@link RocksDbNoSpaceException} if out of space. */
  private RocksDbStateException writeFailure(String operation, RocksDbColumn column, RocksDBException e) {
    return isOutOfSpace(e)
        ? new RocksDbNoSpaceException(operation, column.name, directory.root().toString(), e)
        : new RocksDbStateException(operation, column.name, e);
  }

  /**
   * Returns whether RocksDB failed for lack of space: a full disk ({@code ENOSPC}, sub code {@code
   * NoSpace}) or an {@code SstFileManager}'s limit ("Max allowed space was reached", a sub code
   * rocksdbjni does not name).
   */
  private static boolean isOutOfSpace(RocksDBException e) {
    Status status = e.getStatus();
    return status != null && status.getCode() == Status.Code.IOError
        && (status.getSubCode() == Status.SubCode.NoSpace || String.valueOf(e.getMessage()).contains("space"));
  }

  /**
   * Flushes every backend of the memory budget unless the stall is this database's own slowdown
   * while the write-buffer manager is below its limit (see the class comment).
   */
  private void relieveWriteStall() {
    if (memory.writeBuffersMayBeFull() || !writeControllerSlowsWrites()) {
      LOG.debug("write stall in {}: flushing the memtables of the memory budget's backends", directory.root());
      memory.flushAll(this);
    }
  }

  /** Returns whether this database's write controller delays or stops writes. */
  private boolean writeControllerSlowsWrites() {
    try {
      return db.getLongProperty("rocksdb.is-write-stopped") != 0
          || db.getLongProperty("rocksdb.actual-delayed-write-rate") != 0;
    } catch (RocksDBException e) {
      return false; // unknown: flushing is the safe side
    }
  }

  /**
   * Asks RocksDB to flush the memtables of every state, without waiting for the flushes; does
   * nothing if the backend is closing or closed, or if nothing was written since the last request.
   * Called on any thread, by {@link RocksDbMemory#flushAll}. Errors are logged, not thrown: they
   * belong to this backend, not to the writer that asked.
   */
  void requestFlush() {
    if (!guard.tryAcquire()) {
      return; // closing: the close frees the memtables
    }
    try {
      if (db == null) {
        return; // not open: nothing written
      }
      long sequence = db.getLatestSequenceNumber();
      if (sequence != flushRequestedAt) {
        db.flush(stallFlushOptions, flushHandles);
        flushRequestedAt = sequence;
      }
    } catch (RocksDBException e) {
      // TryAgain while this database's own writes are stopped; the next stall asks again
      LOG.debug("flush request to the RocksDB backend in {} failed", directory.root(), e);
    } finally {
      guard.release();
    }
  }

  /**
   * Writes the cached writes of {@code column} to RocksDB, so that RocksDB holds all of its state:
   * before reading it other than by point reads, and before batch writes.
   */
  void flushCache(RocksDbColumn column) {
    if (cache != null) {
      cache.flush(column);
    }
  }

  /**
   * Adds a put to the shared batch. Outside a restore, flush the column's cached writes first
   * ({@link #flushCache}): the key's cached entry is dropped here, and must hold nothing unwritten.
   */
  void batchPut(RocksDbColumn column, byte[] key, byte[] value) {
    forgetCached(column, key);
    try {
      batch.put(column.handle, key, value);
    } catch (RocksDBException e) {
      batch.clear();
      throw new RocksDbStateException("write", column.name, e);
    }
  }

  /** Adds a delete to the shared batch; as for {@link #batchPut}, flush the column's cached writes first. */
  void batchDelete(RocksDbColumn column, byte[] key) {
    forgetCached(column, key);
    try {
      batch.delete(column.handle, key);
    } catch (RocksDBException e) {
      batch.clear();
      throw new RocksDbStateException("delete from", column.name, e);
    }
  }

  private void forgetCached(RocksDbColumn column, byte[] key) {
    if (cache != null && !cache.isEmpty()) {
      cache.discard(column, key, key.length);
    }
  }

  /**
   * Reads up to {@code limit} entries whose keys start with {@code prefix} into {@code batch}
   * (emptied first), from {@code start} (inclusive, or exclusive when {@code afterStart}) on,
   * through an iterator bounded by the prefix and closed before returning: no native handle outlives
   * the call. Keys and values cross JNI through the backend's direct buffers.
   */
  void scan(
      RocksDbColumn column,
      byte[] prefix,
      byte[] start,
      boolean afterStart,
      int limit,
      ScanBatch batch,
      boolean withValues) {
    flushCache(column);
    scanStored(column, prefix, start, afterStart, limit, batch, withValues);
  }

  /**
   * {@link #scan} of what RocksDB holds, without writing the write-back cache's dirty entries first:
   * for a {@link RocksDbCursor}, whose callers re-check what it finds.
   */
  void scanStored(
      RocksDbColumn column,
      byte[] prefix,
      byte[] start,
      boolean afterStart,
      int limit,
      ScanBatch batch,
      boolean withValues) {
    batch.clear();
    try (RocksIterator iterator = db.newIterator(column.handle, boundTo(prefix))) {
      iterator.seek(nativeKey(start));
      if (afterStart && iterator.isValid() && iteratorKey(iterator).equals(ByteBuffer.wrap(start))) {
        iterator.next();
      }
      while (iterator.isValid() && batch.size() < limit) {
        ByteBuffer key = iteratorKey(iterator);
        if (!startsWith(key, prefix)) {
          break;
        }
        batch.add(key, withValues ? iteratorValue(iterator) : null);
        iterator.next();
      }
      if (!iterator.isValid()) {
        checkIteratorStatus(iterator, "iterate", column.name);
      }
    }
  }

  /**
   * Returns read options whose upper bound is the successor of {@code prefix}, or unbounded ones if
   * it has none. The bound's bytes are rewritten in place: one native slice and read options serve
   * every scan (allocating both per scan cost 8% of map iteration in MapStateBenchmark).
   */
  private ReadOptions boundTo(byte[] prefix) {
    int length = prefix.length;
    while (length > 0 && prefix[length - 1] == (byte) 0xFF) {
      length--;
    }
    if (length == 0) {
      return readOptions;
    }
    if (length > scanBoundBytes.capacity()) {
      ByteBuffer grown = ByteBuffer.allocateDirect(Math.max(length, 2 * scanBoundBytes.capacity()));
      DirectSlice slice = own(new DirectSlice(grown, length));
      scanOptions.setIterateUpperBound(slice);
      natives.remove(scanBound);
      scanBound.close();
      scanBound = slice;
      scanBoundBytes = grown;
    }
    scanBoundBytes.clear().put(prefix, 0, length).put(length - 1, (byte) (prefix[length - 1] + 1));
    scanBound.setLength(length);
    return scanOptions;
  }

  /** Returns the iterator's current key in {@link #nativeKey}, from position 0 to its length. */
  private ByteBuffer iteratorKey(RocksIterator iterator) {
    int length = iterator.key(nativeKey.clear());
    if (length > nativeKey.capacity()) {
      nativeKey = ByteBuffer.allocateDirect(Math.max(length, 2 * nativeKey.capacity()));
      iterator.key(nativeKey);
    }
    return nativeKey;
  }

  /** Returns the iterator's current value in {@link #nativeValue} (or a one-off buffer if large). */
  private ByteBuffer iteratorValue(RocksIterator iterator) {
    int length = iterator.value(nativeValue.clear());
    if (length > nativeValue.capacity()) {
      ByteBuffer grown = ByteBuffer.allocateDirect(length);
      if (length <= MAX_RETAINED_READ_BUFFER) {
        nativeValue = grown;
      }
      iterator.value(grown);
      return grown;
    }
    return nativeValue;
  }

  private static boolean startsWith(ByteBuffer bytes, byte[] prefix) {
    if (bytes.remaining() < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes.get(i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static void checkIteratorStatus(RocksIterator iterator, String operation, String stateName) {
    try {
      iterator.status();
    } catch (RocksDBException e) {
      throw new RocksDbStateException(operation, stateName, e);
    }
  }

  /** Returns the smallest byte string greater than every string starting with {@code prefix}, or null. */
  static byte[] successor(byte[] prefix) {
    byte[] next = prefix.clone();
    for (int i = next.length - 1; i >= 0; i--) {
      if (next[i] != (byte) 0xFF) {
        next[i]++;
        return Arrays.copyOf(next, i + 1);
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // snapshots

  @Override
  public StateSnapshot snapshot(long checkpointId, SnapshotMode mode) {
    ownerThread.check();
    checkOpen();
    createPendingColumns();
    if (mode == SnapshotMode.INCREMENTAL) {
      if (cache != null) {
        cache.flushAll(); // the native files must hold every write
        cache.boundDirty(MAX_DIRTY_WITH_INCREMENTAL_SNAPSHOTS); // so that the next flush here is short
      }
      return nativeSnapshot(checkpointId);
    }
    // canonical: the cache's dirty entries are merged with the RocksDB snapshot as it is written,
    // instead of being written to RocksDB first (for state that fits the cache, RocksDB's memtable
    // inserts, flushes and compactions were most of a checkpoint's cost)
    List<RocksDbSnapshot.Column> frozen = new ArrayList<>(columns.size());
    for (RocksDbColumn column : columns.values()) {
      frozen.add(new RocksDbSnapshot.Column(
          column.handle, column.meta, cache == null ? List.of() : cache.dirtyEntries(column)));
    }
    RocksDbSnapshot snapshot = new RocksDbSnapshot(
        this, checkpointId, database().getSnapshot(), frozen, keySerializer, maxParallelism, keyGroupRange);
    openSnapshots.add(snapshot.nativeSnapshot());
    return snapshot;
  }

  /**
   * The synchronous part of an incremental snapshot: flushes every state's memtables (each at most
   * 8 MiB), disables the deletion of obsolete files and lists the database's live files (as
   * RocksDB's own backups do). The asynchronous part reads them where they are; compaction goes on,
   * and the files it makes obsolete stay until the snapshot is closed ({@link
   * RocksDbIncrementalSnapshot#release}). Nothing is copied or linked here, and nothing fsynced but
   * the flush's own files.
   */
  private StateSnapshot nativeSnapshot(long checkpointId) {
    RocksDB database = database();
    RocksDB.LiveFiles live;
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true).setAllowWriteStall(true)) {
      List<ColumnFamilyHandle> handles = flushHandles;
      if (!handles.isEmpty()) {
        database.flush(flush, handles);
      }
      database.disableFileDeletions();
      try {
        live = database.getLiveFiles(false); // flushed above, and only this thread writes
      } catch (RocksDBException | RuntimeException e) {
        database.enableFileDeletions();
        throw e;
      }
    } catch (RocksDBException e) {
      throw new RocksDbStateException("list the live files of snapshot " + checkpointId + " in", null, e);
    }
    List<NativeSnapshotMeta.State> states = new ArrayList<>(columns.size());
    for (RocksDbColumn column : columns.values()) {
      states.add(new NativeSnapshotMeta.State(column.meta, columnFamilyName(column.name)));
    }
    return new RocksDbIncrementalSnapshot(this, checkpointId, database, directory.dbPath(), live, states,
        keySerializer.snapshot(), maxParallelism, keyGroupRange, sharedFiles.generation());
  }

  /**
   * Lets the database delete obsolete files again after a native snapshot that disabled it ends;
   * nothing if the backend is closing or the database was replaced (closing it ended the pin).
   * Any thread.
   */
  void enableFileDeletions(RocksDB pinned, long checkpointId) {
    try {
      guard.acquire();
    } catch (BackendClosedException e) {
      return;
    }
    try {
      if (db == pinned) {
        pinned.enableFileDeletions();
      }
    } catch (RocksDBException e) {
      LOG.warn("Could not re-enable the deletion of obsolete RocksDB files after snapshot {} in {}: {}",
          checkpointId, directory.dbPath(), e.toString());
    } finally {
      guard.release();
    }
  }

  /** Returns which stored files incremental snapshots may reference. */
  SharedFileRegistry sharedFiles() {
    return sharedFiles;
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    ownerThread.check();
    sharedFiles.completed(checkpointId);
  }

  @Override
  public void notifyCheckpointAborted(long checkpointId) {
    ownerThread.check();
    sharedFiles.aborted(checkpointId);
  }

  RocksDB db() {
    return db;
  }

  /** Returns the locked working directory. */
  Path workingDirectory() {
    return directory.root();
  }

  ResourceGuard guard() {
    return guard;
  }

  /**
   * Freezes every registered state for readers on other threads: the write-back cache's pending
   * writes go to RocksDB first (a view must see every write before its point in time), then one
   * native snapshot, released by the view or by {@link #close()}.
   */
  @Override
  public BackendView<K> view() {
    ownerThread.check();
    checkOpen();
    createPendingColumns();
    if (cache != null) {
      cache.flushAll();
    }
    List<RocksDbStateView.State> states = new ArrayList<>(columns.size());
    for (RocksDbColumn column : columns.values()) {
      if (!column.restored) { // restored but not registered: not a state of this run yet
        states.add(new RocksDbStateView.State(column.name, column.handle, column.meta, column.descriptor));
      }
    }
    Snapshot snapshot = database().getSnapshot();
    openSnapshots.add(snapshot);
    return new RocksDbStateView<>(this, snapshot, states, keySerializer, maxParallelism, keyGroupRange);
  }

  /** Releases a native snapshot (of a canonical snapshot or a view) unless the backend's close released it already. */
  void releaseSnapshot(Snapshot snapshot) {
    try {
      guard.acquire();
    } catch (BackendClosedException alreadyReleased) {
      return;
    }
    try {
      if (openSnapshots.remove(snapshot)) {
        db.releaseSnapshot(snapshot);
      }
    } finally {
      guard.release();
    }
  }

  /**
   * Restores canonical and native snapshots. One native snapshot of exactly this backend's key
   * groups, into a backend that holds nothing yet, is <em>placed</em>: its files become the
   * database ({@link #placeDatabase}). Anything else is copied in: canonical entries as today, native
   * snapshots by opening each read-only and copying the key groups of this backend's range ({@link
   * #copyKeyGroups}). Atomic: on any failure every restored state is dropped ({@link
   * #discardRestoredState}).
   */
  @Override
  public void restore(Collection<SnapshotInput> inputs) {
    ownerThread.check();
    checkOpen();
    for (RocksDbColumn column : columns.values()) {
      if (!column.restored) {
        throw new IllegalStateException(
            "restore must come before any state is registered; state '" + column.name + "' already is");
      }
    }
    RestoreMonitor monitor = RestoreMonitor.start("rocksdb", inputs, restoreListener, restoreProgressInterval);
    List<SnapshotInput> list = monitor.inputs();
    try {
      for (SnapshotInput input : list) {
        if (!KeyedSnapshotFormat.FORMAT.equals(input.format()) && !NativeSnapshotMeta.FORMAT.equals(input.format())) {
          throw new SnapshotException("snapshot " + input.description() + " is in format '" + input.format()
              + "', which the RocksDB backend cannot read (restore a canonical checkpoint or savepoint, or a "
              + NativeSnapshotMeta.FORMAT + " checkpoint of a RocksDB backend)");
        }
      }
      List<NativeSnapshotMeta> metas = new ArrayList<>(list.size());
      for (SnapshotInput input : list) {
        NativeSnapshotMeta meta = null;
        if (NativeSnapshotMeta.FORMAT.equals(input.format())) {
          meta = NativeSnapshotMeta.read(input);
          checkMaxParallelism(meta.maxParallelism, input.description());
          checkKeySerializer(meta.keySerializer, input.description());
        }
        metas.add(meta);
      }
      if (list.size() == 1 && metas.get(0) != null && metas.get(0).keyGroupRange.equals(keyGroupRange)
          && columns.isEmpty() && openSnapshots.isEmpty()) {
        placeDatabase(list.get(0), metas.get(0));
      } else {
        for (int i = 0; i < list.size(); i++) {
          SnapshotInput input = list.get(i);
          if (metas.get(i) != null) {
            copyKeyGroups(input, metas.get(i), monitor);
          } else {
            try (InputStream stream = input.openStream(KeyedSnapshotFormat.STREAM_NAME)) {
              restore(new KeyedSnapshotReader(stream, input.description()), input.description(), monitor);
            } catch (IOException e) {
              throw new SnapshotException("cannot read snapshot " + input.description() + ": " + e.getMessage(), e);
            }
          }
        }
      }
    } catch (RuntimeException | Error e) {
      try {
        discardRestoredState();
      } catch (RuntimeException | Error discardFailure) {
        e.addSuppressed(discardFailure);
      }
      lastRestore = monitor.end(e);
      throw e;
    }
    lastRestore = monitor.end(null);
  }

  private void checkMaxParallelism(int stored, String description) {
    if (stored != maxParallelism) {
      throw new SnapshotException(
          "snapshot " + description + " was written with max parallelism " + stored
              + ", this backend has " + maxParallelism);
    }
  }

  private void checkKeySerializer(TypeSerializerSnapshot<?> stored, String description) {
    StateMigration.checkKeySerializer(stored, keySerializer, description);
  }

  /** Returns the restored column of {@code meta}, created if new, checked against earlier inputs. */
  private RocksDbColumn restoredColumn(StateMetaInfo meta, String description) {
    RocksDbColumn column = columns.get(meta.name());
    if (column == null) {
      return createColumn(meta, true);
    }
    if (column.kind() != meta.kind() || !column.meta.equals(meta)) {
      throw new SnapshotException(
          "snapshot " + description + " stores state '" + meta.name() + "' as " + meta.kind()
              + " with other serializers than an earlier snapshot of this restore");
    }
    return column;
  }

  /**
   * Copies every file of a native snapshot into {@code target}, reading each entry to its end, and
   * checks its size and CRC32C against the meta stream. Collects the handles of shared files a
   * claimed restore hands out into {@code claimed}, if not null.
   */
  private static void stageFiles(
      SnapshotInput input, NativeSnapshotMeta meta, Path target, Map<String, SharedFileRegistry.StoredFile> claimed) {
    byte[] buffer = new byte[64 * 1024];
    for (NativeSnapshotMeta.FileEntry file : meta.files) {
      String where = "snapshot " + input.description() + ", entry '" + file.name() + "'";
      CRC32C crc = new CRC32C();
      long size = 0;
      try (InputStream in = file.content() != null ? new ByteArrayInputStream(file.content()) : input.openStream(file.name());
          OutputStream out = Files.newOutputStream(target.resolve(file.name()))) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          out.write(buffer, 0, n);
          crc.update(buffer, 0, n);
          size += n;
        }
      } catch (IOException e) {
        throw new SnapshotException("cannot read " + where + ": " + e.getMessage(), e);
      }
      if (size != file.size() || (int) crc.getValue() != file.crc32c()) {
        throw new SnapshotException(where + " is damaged: " + size + " bytes with CRC32C "
            + Integer.toHexString((int) crc.getValue()) + ", the meta stream recorded " + file.size()
            + " bytes with CRC32C " + Integer.toHexString(file.crc32c()));
      }
      if (claimed != null && file.shared()) {
        long stagedSize = size;
        input.sharedHandle(file.name()).ifPresent(handle ->
            claimed.put(file.name(), new SharedFileRegistry.StoredFile(handle, stagedSize, file.crc32c())));
      }
    }
  }

  private List<ColumnFamilyDescriptor> columnFamilies(NativeSnapshotMeta meta) {
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>(meta.states.size() + 1);
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, columnFamilyOptions));
    for (NativeSnapshotMeta.State state : meta.states) {
      descriptors.add(new ColumnFamilyDescriptor(state.columnFamily(), columnFamilyOptions));
    }
    return descriptors;
  }

  /**
   * Restores a native snapshot of this backend's key groups by placing its files: they are copied
   * into a new directory, which the database is opened from and replaces the empty one (no entry is
   * re-inserted). Claimed SST files become the confirmed shared files, so the next incremental
   * snapshot references them; after a no-claim restore it stores everything anew.
   */
  private void placeDatabase(SnapshotInput input, NativeSnapshotMeta meta) {
    Path staging = newRestorePath(input);
    Map<String, SharedFileRegistry.StoredFile> claimed = new LinkedHashMap<>();
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB restored;
    try {
      stageFiles(input, meta, staging, claimed);
      restored = RocksDB.open(dbOptions, staging.toString(), columnFamilies(meta), handles);
    } catch (RocksDBException e) {
      handles.forEach(ColumnFamilyHandle::close);
      WorkingDirectory.deleteQuietly(staging);
      throw new SnapshotException("cannot open the database of snapshot " + input.description() + ": "
          + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      handles.forEach(ColumnFamilyHandle::close);
      WorkingDirectory.deleteQuietly(staging);
      throw e;
    }
    guard.runExclusive(() -> {
      if (db != null) {
        natives.remove(defaultColumn);
        natives.remove(db);
        defaultColumn.close();
        db.close();
      }
      db = restored;
      flushRequestedAt = -1; // a sequence number of the previous database
      natives.push(restored);
      defaultColumn = own(handles.get(0));
      for (int i = 1; i < handles.size(); i++) {
        addColumn(meta.states.get(i - 1).meta(), own(handles.get(i)));
      }
      addFlushHandles(handles.subList(1, handles.size()));
    });
    directory.replaceDatabase(staging);
    sharedFiles.reset(claimed);
  }

  /**
   * Restores the key groups of this backend's range from a native snapshot of other key groups: its
   * files are opened read-only in a directory of their own, and each state's entries of those key
   * groups (one bounded range, the key group leads every key) are copied in write batches.
   */
  private void copyKeyGroups(SnapshotInput input, NativeSnapshotMeta meta, RestoreMonitor monitor) {
    List<RocksDbColumn> targets = new ArrayList<>(meta.states.size());
    for (NativeSnapshotMeta.State state : meta.states) {
      targets.add(restoredColumn(state.meta(), input.description()));
    }
    createPendingColumns();
    KeyGroupRange overlap = keyGroupRange.intersect(meta.keyGroupRange);
    if (overlap == null) {
      return;
    }
    Path staging = newRestorePath(input);
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    byte[] lower = {(byte) (overlap.startKeyGroup() >>> 8), (byte) overlap.startKeyGroup()};
    int end = overlap.endKeyGroup() + 1;
    byte[] upper = {(byte) (end >>> 8), (byte) end};
    try (DBOptions options = new DBOptions().setInfoLogLevel(InfoLogLevel.HEADER_LEVEL);
        Slice upperBound = new Slice(upper);
        ReadOptions read = new ReadOptions().setFillCache(false).setIterateUpperBound(upperBound)) {
      stageFiles(input, meta, staging, null);
      try (RocksDB source = RocksDB.openReadOnly(options, staging.toString(), columnFamilies(meta), handles)) {
        for (int i = 0; i < targets.size(); i++) {
          RocksDbColumn target = targets.get(i);
          try (RocksIterator iterator = source.newIterator(handles.get(i + 1), read)) {
            for (iterator.seek(lower); iterator.isValid(); iterator.next()) {
              batchPut(target, iterator.key(), iterator.value());
              monitor.entries(1);
              if (batch.getDataSize() >= RESTORE_BATCH_BYTES) {
                writeBatch("restore", target);
              }
            }
            checkIteratorStatus(iterator, "restore", target.name);
          }
          if (batch.count() > 0) {
            writeBatch("restore", target);
          }
        }
      } finally {
        handles.forEach(ColumnFamilyHandle::close);
      }
    } catch (RocksDBException e) {
      throw new SnapshotException("cannot open the database of snapshot " + input.description() + ": "
          + e.getMessage(), e);
    } finally {
      batch.clear();
      WorkingDirectory.deleteQuietly(staging);
    }
  }

  private Path newRestorePath(SnapshotInput input) {
    try {
      return directory.newRestorePath();
    } catch (IOException e) {
      throw new SnapshotException("cannot create a directory in " + directory.root() + " to restore snapshot "
          + input.description() + ": " + e, e);
    }
  }

  /**
   * Drops every restored state (all states: restore comes before registration), after a failed
   * restore. Column families are dropped and their handles closed under the guard's exclusive lock,
   * since other backends' flush requests use them.
   */
  private void discardRestoredState() {
    batch.clear();
    pendingColumns.clear();
    List<ColumnFamilyHandle> restored = new ArrayList<>(columns.size());
    for (RocksDbColumn column : columns.values()) {
      if (column.handle != null) {
        restored.add(column.handle);
      }
    }
    columns.clear();
    sharedFiles.reset(Map.of());
    if (restored.isEmpty()) {
      return;
    }
    List<RocksDBException> failures = new ArrayList<>(1);
    guard.runExclusive(() -> {
      flushHandles = List.of();
      try {
        db.dropColumnFamilies(restored); // one OPTIONS file rewrite, not one per state
      } catch (RocksDBException e) {
        failures.add(e);
      }
      for (ColumnFamilyHandle handle : restored) {
        natives.remove(handle);
        handle.close();
      }
    });
    if (!failures.isEmpty()) {
      throw new RocksDbStateException("drop the restored states after a failed restore of", null, failures.get(0));
    }
  }

  private void restore(KeyedSnapshotReader reader, String description, RestoreMonitor monitor) {
    checkMaxParallelism(reader.maxParallelism(), description);
    checkKeySerializer(reader.keySerializer(), description);
    List<RocksDbColumn> targets = new ArrayList<>();
    for (StateMetaInfo meta : reader.states()) {
      targets.add(restoredColumn(meta, description));
    }
    createPendingColumns();
    reader.readEntries(keyGroupRange, monitor.counting(new RestoreVisitor(targets)));
    if (batch.count() > 0) {
      writeBatch("restore", targets.get(0));
    }
  }

  /** Writes restored entries into the column families in batches. */
  private final class RestoreVisitor implements KeyedSnapshotReader.EntryVisitor {
    private final List<RocksDbColumn> targets;
    private final DataOutputBuffer buffer = new DataOutputBuffer(256);

    RestoreVisitor(List<RocksDbColumn> targets) {
      this.targets = targets;
    }

    @Override
    public void value(int stateIndex, int keyGroup, byte[] key, byte[] value) {
      put(stateIndex, prefixed(keyGroup, key, null), value);
    }

    @Override
    public void list(int stateIndex, int keyGroup, byte[] key, List<byte[]> elements) {
      buffer.reset();
      for (byte[] element : elements) {
        buffer.writeLengthPrefixed(element, 0, element.length);
      }
      put(stateIndex, prefixed(keyGroup, key, null), buffer.toByteArray());
    }

    @Override
    public void mapEntry(int stateIndex, int keyGroup, byte[] key, byte[] userKey, byte[] value) {
      buffer.reset();
      if (value == null) {
        buffer.writeByte(RocksDbMapState.NULL_VALUE);
      } else {
        buffer.writeByte(RocksDbMapState.PRESENT_VALUE);
        buffer.writeBytes(value);
      }
      put(stateIndex, prefixed(keyGroup, key, userKey), buffer.toByteArray());
    }

    private byte[] prefixed(int keyGroup, byte[] key, byte[] userKey) {
      int userKeyLength = userKey == null ? 0 : userKey.length;
      byte[] full = new byte[2 + key.length + userKeyLength];
      full[0] = (byte) (keyGroup >>> 8);
      full[1] = (byte) keyGroup;
      System.arraycopy(key, 0, full, 2, key.length);
      if (userKey != null) {
        System.arraycopy(userKey, 0, full, 2 + key.length, userKeyLength);
      }
      return full;
    }

    private void put(int stateIndex, byte[] key, byte[] value) {
      RocksDbColumn column = targets.get(stateIndex);
      batchPut(column, key, value);
      if (batch.getDataSize() >= RESTORE_BATCH_BYTES) {
        writeBatch("restore", column);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // properties and lifecycle

  /** Returns a RocksDB integer property summed over every column family. */
  long aggregatedLongProperty(String property) {
    checkOpen();
    try {
      return database().getAggregatedLongProperty(property);
    } catch (RocksDBException e) {
      throw new RocksDbStateException("read property '" + property + "'", null, e);
    }
  }

  /** Flushes every column family's memtables and compacts it fully; blocks until done. */
  void flushAndCompact() {
    checkOpen();
    createPendingColumns();
    if (cache != null) {
      cache.flushAll();
    }
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      for (RocksDbColumn column : columns.values()) {
        db.flush(flush, column.handle);
        db.compactRange(column.handle);
      }
    } catch (RocksDBException e) {
      throw new RocksDbStateException("flush and compact", null, e);
    }
  }

  @Override
  public TypeSerializer<K> keySerializer() {
    checkOpen();
    return keySerializer;
  }

  @Override
  public int maxParallelism() {
    checkOpen();
    return maxParallelism;
  }

  @Override
  public KeyGroupRange keyGroupRange() {
    checkOpen();
    return keyGroupRange;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    clearCurrentKey();
    memory.removeFlushable(this);
    try {
      guard.close(this::releaseNatives);
    } finally {
      try {
        directory.close();
      } finally {
        memory.detach();
        if (ownsMemory) {
          memory.close();
        }
      }
    }
  }

  /** Runs under the guard's exclusive lock: no snapshot writer touches a handle meanwhile. */
  private void releaseNatives() {
    for (RocksIterator iterator : openIterators) {
      iterator.close();
    }
    openIterators.clear();
    for (Snapshot snapshot : openSnapshots) {
      db.releaseSnapshot(snapshot);
    }
    openSnapshots.clear();
    if (db != null) {
      db.cancelAllBackgroundWork(true);
    }
    closeNatives();
  }

  private void closeNatives() {
    while (!natives.isEmpty()) {
      AutoCloseable handle = natives.pop();
      try {
        handle.close();
      } catch (Exception e) {
        LOG.warn("closing {} of the RocksDB backend in {} failed", handle.getClass().getSimpleName(), directory.root(), e);
      }
    }
  }
}
