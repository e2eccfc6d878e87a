package dev.cairn.state.rocksdb;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyedStateBackendBuilder;
import java.nio.file.Path;

/**
 * Keyed state in an embedded RocksDB: state can outgrow the heap (many GB per process), at the cost
 * of serializing on every access. Semantics are exactly those of every Cairn backend.
 *
 * <pre>{@code
 * try (RocksDbMemory memory = RocksDbMemory.create(256L << 20);
 *     KeyedStateBackend<String> backend = RocksDbStateBackend.builder(Serializers.STRING)
 *         .workingDirectory(Path.of("/data/cairn/task-0"))
 *         .memory(memory)
 *         .profile(RocksDbProfile.FLASH_SSD)
 *         .build()) {
 *   ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG, 0L));
 *   backend.setCurrentKey("alice");
 *   count.update(count.value() + 1);
 * }
 * }</pre>
 *
 * <p>Each backend is one RocksDB instance in its own working directory, with one column family per
 * state. Writes skip RocksDB's write-ahead log: durability comes from checkpoints, and a backend
 * always starts empty (its files are deleted on open and close) and gets its state back by {@link
 * dev.cairn.state.spi.Snapshotable#restore restore}. Errors RocksDB reports surface as {@link
 * RocksDbStateException}. See the module README for the memory model and the key layout.
 */
public final class RocksDbStateBackend {

  /** The memory budget of a backend built without {@link Builder#memory} or {@link Builder#memoryBudget}. */
  public static final long DEFAULT_MEMORY_BUDGET = 128L << 20;

  /** The heap bytes of the write-back cache of a backend built without {@link Builder#writeBackCache}. */
  public static final long DEFAULT_WRITE_BACK_CACHE_BYTES = 32L << 20;

  private RocksDbStateBackend() {}

  /**
   * Starts building a backend.
   *
   * @param keySerializer the key serializer; its stable hash assigns key groups, its bytes form the
   *     RocksDB keys
   * @throws IllegalArgumentException if {@code keySerializer} is null
   */
  public static <K> Builder<K> builder(TypeSerializer<K> keySerializer) {
    return new Builder<>(keySerializer);
  }

  /**
   * Returns a RocksDB integer property (such as {@code "rocksdb.cur-size-all-mem-tables"} or {@code
   * "rocksdb.estimate-num-keys"}) summed over every state of a RocksDB backend.
   *
   * @throws IllegalArgumentException if {@code backend} is not a RocksDB backend
   * @throws RocksDbStateException if RocksDB does not know the property
   * @throws dev.cairn.state.BackendClosedException if the backend was closed
   */
  public static long aggregatedLongProperty(KeyedStateBackend<?> backend, String property) {
    if (!(backend instanceof RocksDbKeyedBackend<?> rocksDb)) {
      throw new IllegalArgumentException("not a RocksDB backend: " + backend);
    }
    return rocksDb.aggregatedLongProperty(property);
  }

  /**
   * Flushes every state's memtables to SST files and compacts them fully, blocking until done: for
   * benchmarks and for a compact state after a bulk load. Call on the task thread.
   *
   * @throws IllegalArgumentException if {@code backend} is not a RocksDB backend
   * @throws RocksDbStateException if RocksDB fails
   * @throws dev.cairn.state.BackendClosedException if the backend was closed
   */
  public static void flushAndCompact(KeyedStateBackend<?> backend) {
    if (!(backend instanceof RocksDbKeyedBackend<?> rocksDb)) {
      throw new IllegalArgumentException("not a RocksDB backend: " + backend);
    }
    rocksDb.flushAndCompact();
  }

  /**
   * Builds a RocksDB backend. Every option may be set once.
   *
   * @param <K> the key type
   */
  public static final class Builder<K> extends KeyedStateBackendBuilder<K, Builder<K>> {

    private Path workingDirectory;
    private RocksDbMemory memory;
    private Long memoryBudget;
    private RocksDbProfile profile;
    private RocksDbOptionsCustomizer customizer;
    private boolean cacheRows;
    private Long writeBackCacheBytes;

    private Builder(TypeSerializer<K> keySerializer) {
      super(keySerializer);
    }

    /**
     * Sets the directory the backend's RocksDB lives in; created if missing, locked against any
     * other backend while this one is open, and its {@code db} subdirectory deleted on open and
     * close. Default: a new temporary directory, deleted on close.
     *
     * @throws IllegalStateException if already set
     */
    public Builder<K> workingDirectory(Path directory) {
      if (workingDirectory != null) {
        throw new IllegalStateException("working directory was already set to " + workingDirectory);
      }
      if (directory == null) {
        throw new IllegalArgumentException("working directory must not be null");
      }
      workingDirectory = directory;
      return this;
    }

    /**
     * Shares a memory budget with other backends (one per process, or per group of backends). The
     * backend does not close it. Excludes {@link #memoryBudget}.
     *
     * @throws IllegalStateException if memory was already set
     */
    public Builder<K> memory(RocksDbMemory shared) {
      checkMemoryUnset();
      if (shared == null) {
        throw new IllegalArgumentException("memory must not be null");
      }
      memory = shared;
      return this;
    }

    /**
     * Gives the backend a memory budget of its own, in bytes, released on close. Excludes {@link
     * #memory}. Default: {@link RocksDbStateBackend#DEFAULT_MEMORY_BUDGET} (128 MiB).
     *
     * @throws IllegalArgumentException if below {@link RocksDbMemory#MIN_BUDGET_BYTES}
     * @throws IllegalStateException if memory was already set
     */
    public Builder<K> memoryBudget(long bytes) {
      checkMemoryUnset();
      if (bytes < RocksDbMemory.MIN_BUDGET_BYTES) {
        throw new IllegalArgumentException(
            "memory budget must be at least " + RocksDbMemory.MIN_BUDGET_BYTES + " bytes, got " + bytes);
      }
      memoryBudget = bytes;
      return this;
    }

    /**
     * Sets the predefined options for the storage the working directory is on. Default {@link
     * RocksDbProfile#DEFAULT}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder<K> profile(RocksDbProfile profile) {
      if (this.profile != null) {
        throw new IllegalStateException("profile was already set to " + this.profile);
      }
      if (profile == null) {
        throw new IllegalArgumentException("profile must not be null");
      }
      this.profile = profile;
      return this;
    }

    /**
     * Also caches whole rows (key and value, as RocksDB's row cache) in the memory budget's cache,
     * next to the blocks. A point read that hits a cached row skips the index and data blocks: value
     * get about 1.9x faster with 1e6 keys in 512 MiB ({@code ValueStateBenchmark}). Only for state
     * whose hot keys fit in the cache: otherwise every miss inserts a row and evicts blocks, and map
     * get and contains ran 2x slower with 1e7 entries in 512 MiB. Default: off.
     *
     * @throws IllegalStateException if already set
     */
    public Builder<K> cacheRows() {
      if (cacheRows) {
        throw new IllegalStateException("row caching was already enabled");
      }
      cacheRows = true;
      return this;
    }

    /**
     * Sets the heap bytes (an estimate: key and value bytes plus about 112 per entry) of the
     * write-back cache in front of RocksDB; 0 turns it off. The cache keeps recently read and written
     * values of every state on the heap, so a read-modify-write of a key that comes back (a count,
     * a sum, a map counter) costs no JNI call; writes reach RocksDB in batches, on eviction (least
     * recently used first), before a snapshot and before a scan of the same state. Nothing is lost in
     * a crash that would not be lost anyway: RocksDB's writes are not durable between checkpoints
     * either. This memory is on the Java heap, outside the RocksDB memory budget. Default {@link
     * RocksDbStateBackend#DEFAULT_WRITE_BACK_CACHE_BYTES} (32 MiB).
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder<K> writeBackCache(long bytes) {
      if (writeBackCacheBytes != null) {
        throw new IllegalStateException("write-back cache was already set to " + writeBackCacheBytes + " bytes");
      }
      if (bytes < 0) {
        throw new IllegalArgumentException("write-back cache bytes must not be negative, got " + bytes);
      }
      writeBackCacheBytes = bytes;
      return this;
    }

    /**
     * Sets a hook that adjusts RocksDB's options after the profile and memory settings.
     *
     * @throws IllegalStateException if already set
     */
    public Builder<K> options(RocksDbOptionsCustomizer customizer) {
      if (this.customizer != null) {
        throw new IllegalStateException("options customizer was already set to " + this.customizer);
      }
      if (customizer == null) {
        throw new IllegalArgumentException("options customizer must not be null");
      }
      this.customizer = customizer;
      return this;
    }

    /**
     * Opens the backend.
     *
     * @throws dev.cairn.state.StateException if the working directory is in use or cannot be
     *     created
     * @throws RocksDbStateException if RocksDB cannot open
     * @throws dev.cairn.state.StateException if the shared memory was closed
     */
    @Override
    public KeyedStateBackend<K> build() {
      int maxParallelism = resolvedMaxParallelism();
      var keyGroupRange = resolvedKeyGroupRange();
      boolean ownsMemory = memory == null;
      WorkingDirectory directory = WorkingDirectory.open(workingDirectory);
      RocksDbMemory resolved;
      try {
        resolved = ownsMemory
            ? RocksDbMemory.create(memoryBudget != null ? memoryBudget : DEFAULT_MEMORY_BUDGET)
            : memory;
      } catch (RuntimeException e) {
        directory.close();
        throw e;
      }
      return new RocksDbKeyedBackend<>(
          keySerializer(),
          maxParallelism,
          keyGroupRange,
          directory,
          resolved,
          ownsMemory,
          profile != null ? profile : RocksDbProfile.DEFAULT,
          cacheRows,
          writeBackCacheBytes != null ? writeBackCacheBytes : DEFAULT_WRITE_BACK_CACHE_BYTES,
          customizer,
          restoreListener(),
          restoreProgressInterval());
    }

    private void checkMemoryUnset() {
      if (memory != null) {
        throw new IllegalStateException("memory was already set to a shared budget of " + memory.budgetBytes() + " bytes");
      }
      if (memoryBudget != null) {
        throw new IllegalStateException("memory was already set to a budget of " + memoryBudget + " bytes");
      }
    }
  }
}
