package dev.cairn.benchmarks.cairn;

import dev.cairn.benchmarks.BackendAdapter;
import dev.cairn.benchmarks.BackendAdapters;
import dev.cairn.checkpoint.internal.CheckpointFiles;
import dev.cairn.checkpoint.internal.CheckpointLayout;
import dev.cairn.checkpoint.internal.CheckpointMetadata;
import dev.cairn.checkpoint.internal.FileSnapshotInput;
import dev.cairn.checkpoint.internal.FileSnapshotOutput;
import dev.cairn.checkpoint.internal.JobStore;
import dev.cairn.checkpoint.internal.OperatorStateFormat;
import dev.cairn.checkpoint.internal.StoredFile;
import dev.cairn.checkpoint.storage.FileLayer;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import dev.cairn.state.AggregateFunction;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.ReducingState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.metrics.MeteredBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import dev.cairn.state.TtlConfig;
import dev.cairn.ttl.TickingClock;
import dev.cairn.ttl.TtlStateBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Cairn's backends as benchmark adapters: {@code cairn-heap}, {@code cairn-rocksdb}, the same
 * wrapped by the TTL decorator ({@code cairn-heap-ttl}, {@code cairn-rocksdb-ttl}: the default TTL
 * configuration, with its background cleanup, and the {@link TickingClock} the TTL module recommends;
 * {@code -ttl-nobg}: with the cleanup disabled; {@code cairn-heap-ttl-system}: with the system clock
 * read per access, as Flink's TTL reads it), RocksDB with
 * the row cache on ({@code cairn-rocksdb-rows}) or the write-back cache off ({@code
 * cairn-rocksdb-nocache}: every operation reaches RocksDB), and any of them with {@code -nosync}: checkpoint
 * files written without fsyncs ({@link NoSyncFileLayer}), as Flink writes them on a local disk.
 */
public final class CairnAdapters implements BackendAdapters.Factory {

  /** A TTL that never fires during a run: what the decorator costs, not what expiry saves. */
  private static final TtlConfig TTL = TtlConfig.builder(Duration.ofDays(1)).build();

  /** The same without the default background (incremental) cleanup. */
  private static final TtlConfig TTL_NO_BACKGROUND_CLEANUP =
      TtlConfig.builder(Duration.ofDays(1)).disableCleanupInBackground().build();

  private static final Map<String, Supplier<KeyedStateBackend<Long>>> BACKENDS = Map.of(
      "cairn-heap", CairnAdapters::heap,
      "cairn-rocksdb", () -> rocksDb(b -> b),
      "cairn-rocksdb-rows", () -> rocksDb(b -> b.cacheRows()),
      "cairn-rocksdb-nocache", () -> rocksDb(b -> b.writeBackCache(0)),
      "cairn-heap-ttl", () -> TtlStateBackend.wrap(heap(), TTL, TickingClock.shared()),
      "cairn-rocksdb-ttl", () -> TtlStateBackend.wrap(rocksDb(b -> b), TTL, TickingClock.shared()),
      "cairn-heap-ttl-system", () -> TtlStateBackend.wrap(heap(), TTL, InstantSource.system()),
      "cairn-heap-ttl-nobg", () -> TtlStateBackend.wrap(heap(), TTL_NO_BACKGROUND_CLEANUP, TickingClock.shared()),
      "cairn-rocksdb-ttl-nobg",
      () -> TtlStateBackend.wrap(rocksDb(b -> b), TTL_NO_BACKGROUND_CLEANUP, TickingClock.shared()));

  private static KeyedStateBackend<Long> heap() {
    return HeapStateBackend.builder(Serializers.LONG).maxParallelism(BackendAdapters.MAX_PARALLELISM).build();
  }

  private static KeyedStateBackend<Long> rocksDb(UnaryOperator<RocksDbStateBackend.Builder<Long>> options) {
    RocksDbStateBackend.Builder<Long> builder = RocksDbStateBackend.builder(Serializers.LONG)
        .maxParallelism(BackendAdapters.MAX_PARALLELISM)
        .memoryBudget(BackendAdapters.ROCKSDB_MEMORY_BUDGET);
    return options.apply(builder).build();
  }

  /** Streams of the snapshots written in this JVM, by directory, for restoring them. */
  private static final Map<Path, CheckpointMetadata.Participant> WRITTEN = new ConcurrentHashMap<>();

  /** The job stores of incremental checkpoints open in this JVM, by job directory. */
  private static final Map<Path, JobStore> STORES = new ConcurrentHashMap<>();

  /** Complete incremental checkpoints' parts, by job directory and checkpoint id. */
  private record Completed(Path jobDirectory, long checkpointId) {}

  private static final Map<Completed, CheckpointMetadata.Participant> COMPLETED = new ConcurrentHashMap<>();

  /**
   * Incremental checkpoints kept: the last completed one and the one before it (whose files the
   * restore benchmark may read); older ones expire when a checkpoint completes, as with {@code
   * CheckpointCoordinator}'s retention, and shared files no kept checkpoint lists are deleted.
   */
  private static final int RETAINED = 2;

  private static final String NO_SYNC = "-nosync";

  @Override
  public BackendAdapter open(String name) {
    boolean noSync = name.endsWith(NO_SYNC);
    String base = noSync ? name.substring(0, name.length() - NO_SYNC.length()) : name;
    Supplier<KeyedStateBackend<Long>> factory = BACKENDS.get(base);
    return factory == null
        ? null
        : new Adapter(factory, base.startsWith("cairn-rocksdb"), noSync ? new NoSyncFileLayer() : FileLayer.local());
  }

  @Override
  public Iterable<String> names() {
    List<String> names = new java.util.ArrayList<>(BACKENDS.keySet());
    BACKENDS.keySet().forEach(name -> names.add(name + NO_SYNC));
    return names;
  }

  private static final class Adapter implements BackendAdapter {

    private static final AggregateFunction<Long, Long, Long> SUM = new AggregateFunction<>() {
      @Override
      public Long createAccumulator() {
        return 0L;
      }

      @Override
      public Long add(Long value, Long accumulator) {
        return accumulator + value;
      }

      @Override
      public Long getResult(Long accumulator) {
        return accumulator;
      }
    };

    private final Supplier<KeyedStateBackend<Long>> factory;
    private final KeyedStateBackend<Long> backend;
    private final boolean rocksDb;
    private final FileLayer files;

    Adapter(Supplier<KeyedStateBackend<Long>> factory, boolean rocksDb, FileLayer files) {
      this.rocksDb = rocksDb;
      this.files = files;
      this.factory = factory;
      this.backend = factory.get();
    }

    @Override
    public void setCurrentKey(Long key) {
      backend.setCurrentKey(key);
    }

    @Override
    public ValueAccess value(String name) {
      ValueState<Long> state = backend.getState(StateDescriptors.value(name, Serializers.LONG));
      return new ValueAccess() {
        @Override
        public Long get() {
          return state.value();
        }

        @Override
        public void update(Long value) {
          state.update(value);
        }
      };
    }

    @Override
    public ListAccess list(String name) {
      ListState<Long> state = backend.getState(StateDescriptors.list(name, Serializers.LONG));
      return new ListAccess() {
        @Override
        public void add(Long element) {
          state.add(element);
        }

        @Override
        public Iterable<Long> get() {
          return state.get();
        }
      };
    }

    @Override
    public MapAccess map(String name) {
      MapState<Long, Long> state = backend.getState(StateDescriptors.map(name, Serializers.LONG, Serializers.LONG));
      return new MapAccess() {
        @Override
        public void put(Long key, Long value) {
          state.put(key, value);
        }

        @Override
        public Long get(Long key) {
          return state.get(key);
        }

        @Override
        public boolean contains(Long key) {
          return state.contains(key);
        }

        @Override
        public Iterable<Map.Entry<Long, Long>> entries() {
          return state.entries();
        }
      };
    }

    @Override
    public AddAccess reducing(String name) {
      ReducingState<Long> state = backend.getState(StateDescriptors.reducing(name, Long::sum, Serializers.LONG));
      return addAccess(state::add, state::get);
    }

    @Override
    public AddAccess aggregating(String name) {
      var state = backend.getState(StateDescriptors.aggregating(name, SUM, Serializers.LONG));
      return addAccess(state::add, state::get);
    }

    private static AddAccess addAccess(java.util.function.Consumer<Long> add, Supplier<Long> get) {
      return new AddAccess() {
        @Override
        public void add(Long value) {
          add.accept(value);
        }

        @Override
        public Long get() {
          return get.get();
        }
      };
    }

    @Override
    public void compact() {
      if (rocksDb) {
        RocksDbStateBackend.flushAndCompact(backend instanceof TtlStateBackend<Long> ttl ? ttl.wrapped() : backend);
      }
    }

    /** The SST files' bytes as RocksDB reports them ({@code rocksdb.total-sst-files-size}, every state). */
    @Override
    public long diskBytes() {
      if (!rocksDb) {
        return -1;
      }
      return MeteredBackend.of(backend).metrics().states().stream()
          .mapToLong(s -> s.details().getOrDefault("rocksdb.total-sst-files-size", 0L)).sum();
    }

    @Override
    public PendingSnapshot snapshot(long checkpointId, Path directory) {
      StateSnapshot snapshot = Snapshotable.of(backend).snapshot(checkpointId);
      return new PendingSnapshot() {
        @Override
        public long complete() throws Exception {
          LocalCheckpointStorage storage = LocalCheckpointStorage.at(files, directory);
          FileSnapshotOutput output = new FileSnapshotOutput(storage, null, checkpointId, 0, () -> false);
          SnapshotResult result = snapshot.writeTo(output);
          List<CheckpointMetadata.Entry> entries = output.entries();
          StoredFile noOperatorState = CheckpointFiles.write(storage, CheckpointLayout.privateFileName(0, CheckpointLayout.OPERATOR_STATE_ENTRY),
              OperatorStateFormat.MAGIC, OperatorStateFormat.VERSION, out -> { });
          WRITTEN.put(directory, new CheckpointMetadata.Participant(backend.maxParallelism(), backend.keyGroupRange(),
              result.format(), entries, result.states(), noOperatorState));
          return output.bytesWritten();
        }

        @Override
        public void close() {
          snapshot.close();
        }
      };
    }

    /** The job store of this backend's incremental checkpoints, opened by the first. */
    private JobStore store;
    private Path storeDirectory;
    /** Incremental checkpoints written but not yet completed, by id. */
    private final Map<Long, CheckpointMetadata.Participant> written = new HashMap<>();

    @Override
    public PendingSnapshot snapshot(long checkpointId, Path jobDirectory, boolean incremental) throws Exception {
      if (!incremental) {
        return snapshot(checkpointId, jobDirectory);
      }
      if (store == null) {
        store = JobStore.open(LocalCheckpointStorage.at(files, jobDirectory));
        storeDirectory = jobDirectory;
        STORES.put(jobDirectory, store);
      } else if (!storeDirectory.equals(jobDirectory)) {
        throw new IllegalArgumentException("incremental checkpoints go to " + storeDirectory + ", not " + jobDirectory);
      }
      JobStore job = store;
      StateSnapshot snapshot = Snapshotable.of(backend).snapshot(checkpointId, SnapshotMode.INCREMENTAL);
      return new PendingSnapshot() {
        private boolean done;

        @Override
        public long complete() throws Exception {
          // as CheckpointCoordinator's asynchronous part: shared files go through the job store, so
          // that those of the last completed checkpoint are referenced, not written again
          var directory = job.checkpointStorage(checkpointId);
          FileSnapshotOutput output = new FileSnapshotOutput(directory, job, checkpointId, 0, () -> false);
          SnapshotResult result = snapshot.writeTo(output);
          List<CheckpointMetadata.Entry> entries = output.entries();
          StoredFile noOperatorState = CheckpointFiles.write(directory,
              CheckpointLayout.privateFileName(0, CheckpointLayout.OPERATOR_STATE_ENTRY),
              OperatorStateFormat.MAGIC, OperatorStateFormat.VERSION, out -> { });
          written.put(checkpointId, new CheckpointMetadata.Participant(backend.maxParallelism(),
              backend.keyGroupRange(), result.format(), entries, result.states(), noOperatorState));
          done = true;
          return output.bytesWritten();
        }

        @Override
        public void close() {
          snapshot.close();
          if (!done) {
            job.discardPending(checkpointId);
          }
        }
      };
    }

    @Override
    public void checkpointCompleted(long checkpointId) throws Exception {
      CheckpointMetadata.Participant part = written.remove(checkpointId);
      if (part == null) {
        throw new IllegalStateException("incremental checkpoint " + checkpointId + " was not written");
      }
      // as CheckpointCoordinator's completion: commit, notify the backend (its future completes here)
      store.commit(new CheckpointMetadata(store.jobId(), checkpointId, System.currentTimeMillis(), false, List.of(part)));
      COMPLETED.put(new Completed(storeDirectory, checkpointId), part);
      Snapshotable.of(backend).notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void expireCheckpoints() {
      // as CheckpointCoordinator's housekeeping after a completion
      for (long expired : store.retain(RETAINED)) {
        COMPLETED.remove(new Completed(storeDirectory, expired));
        Snapshotable.of(backend).notifyCheckpointSubsumed(expired);
      }
    }

    @Override
    public BackendAdapter restoreIncremental(Path jobDirectory, long checkpointId, String... stateNames) {
      JobStore job = STORES.get(jobDirectory);
      CheckpointMetadata.Participant part = COMPLETED.get(new Completed(jobDirectory, checkpointId));
      if (job == null || part == null) {
        throw new IllegalArgumentException(
            "no retained incremental checkpoint " + checkpointId + " in " + jobDirectory + " was written in this JVM");
      }
      Adapter restored = new Adapter(factory, rocksDb, files);
      // no claim: the checkpoint's files stay where they are, as in a NO_CLAIM restore
      Snapshotable.of(restored.backend).restore(List.of(new FileSnapshotInput(job.checkpointStorage(checkpointId),
          job.storage(), part, false, "checkpoint " + checkpointId + " in " + jobDirectory)));
      for (String name : stateNames) {
        restored.value(name);
      }
      return restored;
    }

    @Override
    public BackendAdapter restore(Path directory, String... stateNames) {
      CheckpointMetadata.Participant written = WRITTEN.get(directory);
      if (written == null) {
        throw new IllegalArgumentException("no snapshot was written to " + directory + " in this JVM");
      }
      Adapter restored = new Adapter(factory, rocksDb, files);
      LocalCheckpointStorage storage = LocalCheckpointStorage.at(files, directory);
      Snapshotable.of(restored.backend).restore(
          List.of(new FileSnapshotInput(storage, storage, written, false, directory.toString())));
      for (String name : stateNames) {
        restored.value(name);
      }
      return restored;
    }

    @Override
    public void close() {
      backend.close();
      if (store != null) {
        STORES.remove(storeDirectory);
        COMPLETED.keySet().removeIf(c -> c.jobDirectory().equals(storeDirectory));
        store.close();
      }
    }
  }
}
