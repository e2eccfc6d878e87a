package dev.cairn.benchmarks.flink;

import dev.cairn.benchmarks.BackendAdapter;
import dev.cairn.benchmarks.BackendAdapters;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RunnableFuture;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.state.AggregatingState;
import org.apache.flink.api.common.state.AggregatingStateDescriptor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReducingState;
import org.apache.flink.api.common.state.ReducingStateDescriptor;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.core.fs.CloseableRegistry;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointOptions;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.query.KvStateRegistry;
import org.apache.flink.runtime.query.TaskKvStateRegistry;
import org.apache.flink.runtime.state.AbstractKeyedStateBackend;
import org.apache.flink.runtime.state.CheckpointStorageLocationReference;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.LocalRecoveryConfig;
import org.apache.flink.runtime.state.SavepointResources;
import org.apache.flink.runtime.state.SavepointSnapshotStrategy;
import org.apache.flink.runtime.state.SnapshotResult;
import org.apache.flink.runtime.state.SnapshotStrategyRunner;
import org.apache.flink.runtime.state.UncompressedStreamCompressionDecorator;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.filesystem.FsCheckpointStreamFactory;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackendBuilder;
import org.apache.flink.runtime.state.heap.HeapPriorityQueueSetFactory;
import org.apache.flink.runtime.state.metrics.LatencyTrackingStateConfig;
import org.apache.flink.runtime.state.metrics.SizeTrackingStateConfig;
import org.apache.flink.runtime.state.ttl.TtlTimeProvider;
import org.apache.flink.state.rocksdb.CairnBenchmarkAccess;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBKeyedStateBackend;
import org.apache.flink.state.rocksdb.RocksDBKeyedStateBackendBuilder;
import org.apache.flink.state.rocksdb.RocksDBPriorityQueueConfig;
import org.apache.flink.state.rocksdb.RocksDBResourceContainer;
import org.apache.flink.util.concurrent.FutureUtils;

/**
 * Apache Flink 2.3.0's HashMapStateBackend ({@code flink-heap}) and EmbeddedRocksDBStateBackend
 * ({@code flink-rocksdb}, full snapshots, Flink's bounded shared memory of the same budget as
 * Cairn's; {@code flink-rocksdb-incremental}, the same with incremental checkpoints, whose full
 * snapshots are canonical savepoints) as benchmark adapters, built standalone through their keyed-backend builders as
 * apache/flink-benchmarks does: no cluster, no namespace (VoidNamespace), Flink's LongSerializer.
 * {@code flink-heap-ttl} and {@code flink-rocksdb-ttl} give every state Flink's {@code StateTtlConfig}
 * of one day (it never fires in a benchmark) with Flink's default cleanup (in the background:
 * incremental on heap, the compaction filter on RocksDB), as {@code cairn-*-ttl} do with Cairn's.
 */
public final class FlinkAdapters implements BackendAdapters.Factory {

  private static final Set<String> NAMES =
      Set.of("flink-heap", "flink-rocksdb", "flink-rocksdb-incremental", "flink-heap-ttl", "flink-rocksdb-ttl");

  /** The TTL of the {@code -ttl} adapters: a day, with Flink's default cleanup. */
  private static final StateTtlConfig TTL = StateTtlConfig.newBuilder(Duration.ofDays(1)).build();
  private static final KeyGroupRange ALL = KeyGroupRange.of(0, BackendAdapters.MAX_PARALLELISM - 1);

  /** Handles of the snapshots written in this JVM, by directory, for restoring them. */
  private static final Map<Path, KeyedStateHandle> WRITTEN = new ConcurrentHashMap<>();

  @Override
  public BackendAdapter open(String name) throws Exception {
    return NAMES.contains(name)
        ? new Adapter(name.startsWith("flink-rocksdb"), name.endsWith("-incremental"), name.endsWith("-ttl"), List.of())
        : null;
  }

  @Override
  public Iterable<String> names() {
    return NAMES;
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

      @Override
      public Long merge(Long a, Long b) {
        return a + b;
      }
    };

    private final boolean rocksDb;
    private final boolean incremental;
    private final boolean ttl;
    /** Incremental checkpoints' handles, by id, for restoring them. */
    private final Map<Long, KeyedStateHandle> incrementalHandles = new ConcurrentHashMap<>();
    private Path jobDirectory;
    private final CloseableRegistry registry = new CloseableRegistry();
    private final List<StateDescriptor<?, ?>> descriptors = new ArrayList<>();
    private final AbstractKeyedStateBackend<Long> backend;
    private RocksDBResourceContainer resources;
    private Path directory;

    Adapter(boolean rocksDb, boolean incremental, boolean ttl, Collection<KeyedStateHandle> restoreFrom)
        throws Exception {
      this.rocksDb = rocksDb;
      this.incremental = incremental;
      this.ttl = ttl;
      TaskKvStateRegistry kvStates = new KvStateRegistry().createTaskRegistry(new JobID(), new JobVertexID());
      ClassLoader classLoader = getClass().getClassLoader();
      if (rocksDb) {
        directory = Files.createTempDirectory("flink-rocksdb-bench");
        resources = CairnBenchmarkAccess.boundedResources(BackendAdapters.ROCKSDB_MEMORY_BUDGET);
        RocksDBResourceContainer options = resources;
        RocksDBKeyedStateBackendBuilder<Long> builder = new RocksDBKeyedStateBackendBuilder<>(
                "benchmark", classLoader, directory.toFile(), options, stateName -> options.getColumnOptions(),
                kvStates, LongSerializer.INSTANCE, BackendAdapters.MAX_PARALLELISM, ALL, new ExecutionConfig(),
                LocalRecoveryConfig.BACKUP_AND_RECOVERY_DISABLED,
                RocksDBPriorityQueueConfig.buildWithPriorityQueueType(
                    EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP),
                TtlTimeProvider.DEFAULT, LatencyTrackingStateConfig.disabled(), SizeTrackingStateConfig.disabled(),
                new UnregisteredMetricsGroup(), (metric, value) -> {}, restoreFrom,
                UncompressedStreamCompressionDecorator.INSTANCE, registry);
        backend = (incremental ? CairnBenchmarkAccess.incremental(builder) : builder).build();
      } else {
        backend = new HeapKeyedStateBackendBuilder<>(
                kvStates, LongSerializer.INSTANCE, classLoader, BackendAdapters.MAX_PARALLELISM, ALL,
                new ExecutionConfig(), TtlTimeProvider.DEFAULT, LatencyTrackingStateConfig.disabled(),
                SizeTrackingStateConfig.disabled(), restoreFrom, UncompressedStreamCompressionDecorator.INSTANCE,
                LocalRecoveryConfig.BACKUP_AND_RECOVERY_DISABLED,
                new HeapPriorityQueueSetFactory(ALL, BackendAdapters.MAX_PARALLELISM, 128), true, registry)
            .build();
      }
    }

    private <S extends State> S state(StateDescriptor<S, ?> descriptor) throws Exception {
      if (ttl) {
        descriptor.enableTimeToLive(TTL);
      }
      descriptors.add(descriptor);
      return backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
    }

    @Override
    public void setCurrentKey(Long key) {
      backend.setCurrentKey(key);
    }

    @Override
    public ValueAccess value(String name) throws Exception {
      ValueState<Long> state = state(new ValueStateDescriptor<>(name, LongSerializer.INSTANCE));
      return new ValueAccess() {
        @Override
        public Long get() throws Exception {
          return state.value();
        }

        @Override
        public void update(Long value) throws Exception {
          state.update(value);
        }
      };
    }

    @Override
    public ListAccess list(String name) throws Exception {
      ListState<Long> state = state(new ListStateDescriptor<>(name, LongSerializer.INSTANCE));
      return new ListAccess() {
        @Override
        public void add(Long element) throws Exception {
          state.add(element);
        }

        @Override
        public Iterable<Long> get() throws Exception {
          return state.get();
        }
      };
    }

    @Override
    public MapAccess map(String name) throws Exception {
      MapState<Long, Long> state =
          state(new MapStateDescriptor<>(name, LongSerializer.INSTANCE, LongSerializer.INSTANCE));
      return new MapAccess() {
        @Override
        public void put(Long key, Long value) throws Exception {
          state.put(key, value);
        }

        @Override
        public Long get(Long key) throws Exception {
          return state.get(key);
        }

        @Override
        public boolean contains(Long key) throws Exception {
          return state.contains(key);
        }

        @Override
        public Iterable<Map.Entry<Long, Long>> entries() throws Exception {
          return state.entries();
        }
      };
    }

    @Override
    public AddAccess reducing(String name) throws Exception {
      ReducingState<Long> state = state(new ReducingStateDescriptor<>(name, Long::sum, LongSerializer.INSTANCE));
      return new AddAccess() {
        @Override
        public void add(Long value) throws Exception {
          state.add(value);
        }

        @Override
        public Long get() throws Exception {
          return state.get();
        }
      };
    }

    @Override
    public AddAccess aggregating(String name) throws Exception {
      AggregatingState<Long, Long> state =
          state(new AggregatingStateDescriptor<>(name, SUM, LongSerializer.INSTANCE));
      return new AddAccess() {
        @Override
        public void add(Long value) throws Exception {
          state.add(value);
        }

        @Override
        public Long get() throws Exception {
          return state.get();
        }
      };
    }

    @Override
    public void compact() throws Exception {
      if (backend instanceof RocksDBKeyedStateBackend<Long> rocks) {
        for (StateDescriptor<?, ?> descriptor : descriptors) {
          rocks.compactState(descriptor);
        }
      }
    }

    /** The SST files' bytes under the backend's instance directory. */
    @Override
    public long diskBytes() throws Exception {
      if (directory == null) {
        return -1;
      }
      try (java.util.stream.Stream<Path> files = Files.walk(directory)) {
        return files.filter(f -> f.getFileName().toString().endsWith(".sst")).mapToLong(f -> f.toFile().length()).sum();
      }
    }

    @Override
    public PendingSnapshot snapshot(long checkpointId, Path target) throws Exception {
      Files.createDirectories(target);
      org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(target.toUri());
      FsCheckpointStreamFactory streams = new FsCheckpointStreamFactory(
          FileSystem.getLocalFileSystem(), path, path, 0, 4096);
      RunnableFuture<SnapshotResult<KeyedStateHandle>> future;
      if (incremental) {
        // with incremental checkpoints on, a full snapshot is a canonical savepoint (Flink's full
        // format), taken as StreamOperatorStateHandler takes one
        SavepointResources<Long> savepoint = backend.savepoint();
        future = new SnapshotStrategyRunner<>("canonical savepoint",
                new SavepointSnapshotStrategy<>(savepoint.getSnapshotResources()), registry,
                savepoint.getPreferredSnapshotExecutionType())
            .snapshot(checkpointId, System.currentTimeMillis(), streams,
                CheckpointOptions.alignedNoTimeout(SavepointType.savepoint(SavepointFormatType.CANONICAL),
                    CheckpointStorageLocationReference.getDefault()));
      } else {
        future = backend.snapshot(checkpointId, System.currentTimeMillis(), streams,
            CheckpointOptions.forCheckpointWithDefaultLocation());
      }
      return new PendingSnapshot() {
        private SnapshotResult<KeyedStateHandle> result;

        @Override
        public long complete() throws Exception {
          result = FutureUtils.runIfNotDoneAndGet(future);
          KeyedStateHandle handle = result.getJobManagerOwnedSnapshot();
          WRITTEN.put(target, handle);
          return handle.getStateSize();
        }

        @Override
        public void close() throws Exception {
          if (result == null) {
            // run the asynchronous part so that Flink releases what the snapshot pins
            FutureUtils.runIfNotDoneAndGet(future).discardState();
          }
        }
      };
    }

    @Override
    public PendingSnapshot snapshot(long checkpointId, Path jobDirectory, boolean incremental) throws Exception {
      if (!incremental) {
        return snapshot(checkpointId, jobDirectory);
      }
      if (!this.incremental) {
        throw new UnsupportedOperationException(
            "incremental checkpoints need flink-rocksdb-incremental (Flink's heap backend has none)");
      }
      if (this.jobDirectory == null) {
        this.jobDirectory = jobDirectory;
      } else if (!this.jobDirectory.equals(jobDirectory)) {
        throw new IllegalArgumentException("incremental checkpoints go to " + this.jobDirectory + ", not " + jobDirectory);
      }
      // Flink's layout: private files in chk-<id>, SST files uploaded once into shared/
      Path checkpointDirectory = Files.createDirectories(jobDirectory.resolve("chk-" + checkpointId));
      Path shared = Files.createDirectories(jobDirectory.resolve("shared"));
      FsCheckpointStreamFactory streams = new FsCheckpointStreamFactory(FileSystem.getLocalFileSystem(),
          new org.apache.flink.core.fs.Path(checkpointDirectory.toUri()),
          new org.apache.flink.core.fs.Path(shared.toUri()), 0, 4096);
      RunnableFuture<SnapshotResult<KeyedStateHandle>> future = backend.snapshot(
          checkpointId, System.currentTimeMillis(), streams, CheckpointOptions.forCheckpointWithDefaultLocation());
      return new PendingSnapshot() {
        private SnapshotResult<KeyedStateHandle> result;

        @Override
        public long complete() throws Exception {
          result = FutureUtils.runIfNotDoneAndGet(future);
          KeyedStateHandle handle = result.getJobManagerOwnedSnapshot();
          incrementalHandles.put(checkpointId, handle);
          return handle.getCheckpointedSize(); // what this checkpoint uploaded, not what it references
        }

        @Override
        public void close() throws Exception {
          if (result == null) {
            FutureUtils.runIfNotDoneAndGet(future).discardState();
          }
        }
      };
    }

    /** As Flink's task on the checkpoint-complete notification; the job manager's registry is not run. */
    @Override
    public void checkpointCompleted(long checkpointId) throws Exception {
      if (!incremental) {
        throw new UnsupportedOperationException("incremental checkpoints need flink-rocksdb-incremental");
      }
      backend.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public BackendAdapter restoreIncremental(Path jobDirectory, long checkpointId, String... stateNames)
        throws Exception {
      KeyedStateHandle handle = jobDirectory.equals(this.jobDirectory) ? incrementalHandles.get(checkpointId) : null;
      if (handle == null) {
        throw new IllegalArgumentException("no incremental checkpoint " + checkpointId + " in " + jobDirectory);
      }
      Adapter restored = new Adapter(rocksDb, incremental, ttl, List.of(handle));
      for (String name : stateNames) {
        restored.value(name);
      }
      return restored;
    }

    @Override
    public BackendAdapter restore(Path source, String... stateNames) throws Exception {
      KeyedStateHandle handle = WRITTEN.get(source);
      if (handle == null) {
        throw new IllegalArgumentException("no snapshot was written to " + source + " in this JVM");
      }
      Adapter restored = new Adapter(rocksDb, incremental, ttl, List.of(handle));
      for (String name : stateNames) {
        restored.value(name);
      }
      return restored;
    }

    @Override
    public void close() throws Exception {
      backend.dispose();
      registry.close();
      if (resources != null) {
        resources.close();
      }
      if (directory != null) {
        deleteRecursively(directory.toFile());
      }
    }

    private static void deleteRecursively(File file) {
      File[] children = file.listFiles();
      if (children != null) {
        for (File child : children) {
          deleteRecursively(child);
        }
      }
      file.delete();
    }
  }
}
