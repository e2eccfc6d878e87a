package dev.cairn.state.rocksdb;

import dev.cairn.state.StateException;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * A memory budget for RocksDB, shared by every backend built with it: one LRU block cache that holds
 * data, index and filter blocks, and one write-buffer manager whose memtables are charged to that
 * cache. The total of cached blocks and memtables of all those backends stays within {@link
 * #budgetBytes()} (give or take RocksDB's accounting granularity of a few hundred KiB).
 *
 * <p>How the budget is split: the write-buffer manager gets {@code 2/3 × writeBufferRatio × budget}
 * (it lets memtables overshoot its limit by up to half while flushes catch up) and the cache {@code
 * (3 − writeBufferRatio) / 3 × budget}; memtables are charged to the cache, so both together stay
 * within the budget. A share of the cache ({@code highPriorityPoolRatio}) is reserved for index and
 * filter blocks, so data blocks cannot evict them.
 *
 * <pre>{@code
 * try (RocksDbMemory memory = RocksDbMemory.create(512L << 20)) {  // 512 MiB for the process
 *   KeyedStateBackend<String> a = RocksDbStateBackend.builder(Serializers.STRING).memory(memory).build();
 *   KeyedStateBackend<String> b = RocksDbStateBackend.builder(Serializers.STRING).memory(memory).build();
 *   ...
 * }
 * }</pre>
 *
 * <p><b>Write stalls.</b> The write-buffer manager stalls writes ({@code allow_stall}, which keeps
 * the budget hard) while the memtables of all backends are at its limit, but RocksDB only flushes
 * memtables of the database that is writing: a backend that filled the memtables and then went idle
 * would stall the writes of every other backend forever. So backends write with {@code
 * no_slowdown}; a write that would stall fails with status {@code Incomplete} instead, and the
 * backend then calls {@link #flushAll} and retries once with blocking writes, which wait only until
 * those flushes have freed memory. See {@code RocksDbKeyedBackend} for how the backend tells a
 * stall of the manager from its own database's slowdowns.
 *
 * <p>Thread-safe. {@link #close()} may be called while backends still use the memory: the native
 * cache is freed when the last of them is closed, and no new backend can use it.
 */
public final class RocksDbMemory implements AutoCloseable {

  /** The default share of the budget for memtables. */
  public static final double DEFAULT_WRITE_BUFFER_RATIO = 0.5;

  /** The default share of the cache reserved for index and filter blocks. */
  public static final double DEFAULT_HIGH_PRIORITY_POOL_RATIO = 0.1;

  /** The smallest budget accepted: RocksDB's accounting granularity makes smaller ones meaningless. */
  public static final long MIN_BUDGET_BYTES = 4L << 20;

  /**
   * A memtable insert walks a skip list, one cache miss per level once the memtable outgrows the CPU
   * caches: with 1e6 keys and a 512 MiB budget, 8 MiB memtables did 372k list appends/s and 448k value
   * updates/s against 169k and 236k with 43 MiB ones (ListStateBenchmark, ValueStateBenchmark); reads
   * and read-modify-writes did not change. More, smaller flushes run on a background thread.
   */
  private static final long MAX_COLUMN_FAMILY_WRITE_BUFFER = 8L << 20;
  private static final long MIN_ARENA_BLOCK = 64L << 10;
  private static final long MAX_ARENA_BLOCK = 1L << 20;

  static {
    RocksDB.loadLibrary();
  }

  private final long budgetBytes;
  private final long cacheCapacity;
  private final long writeBufferCapacity;
  private final Cache cache;
  private final WriteBufferManager writeBufferManager;
  /** Open backends, whose memtables a write stall flushes; copy-on-write, read without a lock. */
  private final Set<RocksDbKeyedBackend<?>> flushable = new CopyOnWriteArraySet<>();
  private int users;
  private boolean closed;
  private boolean released;

  private RocksDbMemory(long budgetBytes, double writeBufferRatio, double highPriorityPoolRatio) {
    if (budgetBytes < MIN_BUDGET_BYTES) {
      throw new IllegalArgumentException(
          "memory budget must be at least " + MIN_BUDGET_BYTES + " bytes, got " + budgetBytes);
    }
    if (!(writeBufferRatio > 0 && writeBufferRatio < 1)) {
      throw new IllegalArgumentException("write buffer ratio must be in (0, 1), got " + writeBufferRatio);
    }
    if (!(highPriorityPoolRatio >= 0 && highPriorityPoolRatio < 1)) {
      throw new IllegalArgumentException(
          "high priority pool ratio must be in [0, 1), got " + highPriorityPoolRatio);
    }
    this.budgetBytes = budgetBytes;
    this.cacheCapacity = (long) ((3 - writeBufferRatio) * budgetBytes / 3);
    this.writeBufferCapacity = (long) (2 * budgetBytes * writeBufferRatio / 3);
    this.cache = new LRUCache(cacheCapacity, -1, false, highPriorityPoolRatio);
    this.writeBufferManager = new WriteBufferManager(writeBufferCapacity, cache, true);
  }

  /** Creates a budget of {@code budgetBytes} with the default ratios. */
  public static RocksDbMemory create(long budgetBytes) {
    return create(budgetBytes, DEFAULT_WRITE_BUFFER_RATIO, DEFAULT_HIGH_PRIORITY_POOL_RATIO);
  }

  /**
   * Creates a budget.
   *
   * @param budgetBytes the total for block cache and memtables, at least {@value #MIN_BUDGET_BYTES}
   * @param writeBufferRatio the share for memtables, in (0, 1)
   * @param highPriorityPoolRatio the share of the cache reserved for index and filter blocks, in [0,
   *     1)
   * @throws IllegalArgumentException if a value is out of range
   */
  public static RocksDbMemory create(long budgetBytes, double writeBufferRatio, double highPriorityPoolRatio) {
    return new RocksDbMemory(budgetBytes, writeBufferRatio, highPriorityPoolRatio);
  }

  /** Returns the total budget in bytes. */
  public long budgetBytes() {
    return budgetBytes;
  }

  /** Returns the block cache's capacity in bytes (memtables are charged to it). */
  public long cacheCapacityBytes() {
    return cacheCapacity;
  }

  /** Returns the write-buffer manager's limit for the memtables of all backends, in bytes. */
  public long writeBufferBytes() {
    return writeBufferCapacity;
  }

  /**
   * Returns the memory in use, in bytes, as the block cache reports it: cached data, index and
   * filter blocks plus the memtables charged by the write-buffer manager. Zero once released.
   */
  public synchronized long usageBytes() {
    return released ? 0 : cache.getUsage();
  }

  /** Returns the part of {@link #usageBytes()} pinned by readers and memtables, in bytes. */
  public synchronized long pinnedUsageBytes() {
    return released ? 0 : cache.getPinnedUsage();
  }

  /**
   * Releases the budget: at once if no backend uses it, otherwise when the last one is closed. No
   * new backend can be built with it afterwards. Idempotent.
   */
  @Override
  public synchronized void close() {
    closed = true;
    if (users == 0) {
      release();
    }
  }

  /** Registers a backend that uses this memory; undone by {@link #detach()}. */
  synchronized void attach() {
    if (closed) {
      throw new StateException("RocksDB memory budget is closed: build backends with an open one");
    }
    users++;
  }

  /** Unregisters a backend; frees the natives if the memory was closed and this was the last one. */
  synchronized void detach() {
    users--;
    if (closed && users == 0) {
      release();
    }
  }

  /**
   * Makes an open backend's memtables flushable by {@link #flushAll}; undone by {@link
   * #removeFlushable}. Called once the backend's natives all exist (after {@link #attach()}).
   */
  void addFlushable(RocksDbKeyedBackend<?> backend) {
    flushable.add(backend);
  }

  /** Called when a backend starts closing, before its natives are freed. */
  void removeFlushable(RocksDbKeyedBackend<?> backend) {
    flushable.remove(backend);
  }

  /**
   * Returns whether the memtables may be at the write-buffer manager's limit, so that it may be
   * stalling writes. The manager reserves its memtables' memory in the cache as entries it keeps
   * pinned, rounded up to whole entries and released late, so pinned usage is never below the
   * manager's usage: false means the manager is not stalling. True may also come from blocks that
   * readers pin. (rocksdbjni exposes nothing of the manager but its constructor.)
   */
  boolean writeBuffersMayBeFull() {
    return pinnedUsageBytes() >= writeBufferCapacity;
  }

  /**
   * Asks every open backend of this budget to flush the memtables of all its states, {@code writer}
   * first, without waiting for the flushes: each switches to new, empty memtables at once and frees
   * the old ones when their flush is done. Called by a backend whose write stalled, on its own thread.
   * A backend that is closing is skipped (its close frees its memtables), as is one with no write
   * since its last flush request. The flushes of other backends can wait only while one of their own
   * writes is stalled or delayed by RocksDB.
   */
  void flushAll(RocksDbKeyedBackend<?> writer) {
    writer.requestFlush();
    for (RocksDbKeyedBackend<?> backend : flushable) {
      if (backend != writer) {
        backend.requestFlush();
      }
    }
  }

  Cache cache() {
    return cache;
  }

  WriteBufferManager writeBufferManager() {
    return writeBufferManager;
  }

  /**
   * Returns the write-buffer size of one column family: a fair share of the manager's limit, so
   * that a single busy state flushes before it crowds out the others.
   */
  long columnFamilyWriteBufferSize() {
    return Math.max(MIN_ARENA_BLOCK * 8, Math.min(MAX_COLUMN_FAMILY_WRITE_BUFFER, writeBufferCapacity / 4));
  }

  /**
   * Returns the arena block size of a memtable: memtables grow by whole blocks and the manager
   * counts whole blocks, so blocks must be small against the manager's limit when many states are
   * written (RocksDB's default, an eighth of the write buffer, would overshoot small budgets).
   */
  long arenaBlockSize() {
    return Math.max(MIN_ARENA_BLOCK, Math.min(MAX_ARENA_BLOCK, writeBufferCapacity / 64));
  }

  private void release() {
    if (!released) {
      released = true;
      writeBufferManager.close();
      cache.close();
    }
  }
}
