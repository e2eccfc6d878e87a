package dev.cairn.state.rocksdb;

import dev.cairn.state.AggregatingState;
import dev.cairn.state.AggregatingStateDescriptor;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.ReducingState;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.kit.AllKinds;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Backends, one state of each kind, and snapshot helpers shared by the incremental snapshot tests.
 * Backends are closed by {@link #close()}.
 */
final class IncrementalFixture implements AutoCloseable {

  static final int MAX_PARALLELISM = 128;

  static final ValueStateDescriptor<String> VALUE = AllKinds.VALUE;
  static final ListStateDescriptor<Long> LIST = AllKinds.LIST;
  static final MapStateDescriptor<Integer, String> MAP = AllKinds.MAP;
  static final ReducingStateDescriptor<Long> REDUCING = AllKinds.REDUCING;
  static final AggregatingStateDescriptor<Integer, Long, String> AGGREGATING = AllKinds.AGGREGATING;

  private final RocksDbMemory memory = RocksDbMemory.create(64L << 20);
  private final TestDirectories directories = new TestDirectories("cairn-rocksdb-incr-");
  private final List<KeyedStateBackend<?>> backends = new ArrayList<>();

  KeyedStateBackend<Long> backend() {
    return backend(KeyGroupRange.all(MAX_PARALLELISM));
  }

  KeyedStateBackend<Long> backend(KeyGroupRange range) {
    return backend(Serializers.LONG, MAX_PARALLELISM, range);
  }

  <K> KeyedStateBackend<K> backend(TypeSerializer<K> keySerializer, int maxParallelism, KeyGroupRange range) {
    KeyedStateBackend<K> backend = RocksDbStateBackend.builder(keySerializer)
        .maxParallelism(maxParallelism)
        .keyGroupRange(range)
        .workingDirectory(directories.next())
        .memory(memory)
        .build();
    backends.add(backend);
    return backend;
  }

  /** Gives keys {@code [from, to)} state of every kind; skips keys outside the backend's key groups. */
  static void fill(KeyedStateBackend<Long> backend, long from, long to) {
    ValueState<String> value = backend.getState(VALUE);
    ListState<Long> list = backend.getState(LIST);
    MapState<Integer, String> map = backend.getState(MAP);
    ReducingState<Long> reducing = backend.getState(REDUCING);
    AggregatingState<Integer, String> aggregating = backend.getState(AGGREGATING);
    for (long key = from; key < to; key++) {
      if (!owns(backend, key)) {
        continue;
      }
      backend.setCurrentKey(key);
      value.update("v" + key);
      list.addAll(List.of(key, -key));
      map.put((int) key, "m" + key);
      map.put(-1, null);
      reducing.add(key);
      reducing.add(1L);
      aggregating.add((int) key);
    }
  }

  /** Applies one random change of any kind to a random key of {@code [0, keys)}. */
  static void mutate(KeyedStateBackend<Long> backend, Random random, int keys) {
    long key = random.nextInt(keys);
    backend.setCurrentKey(key);
    int n = random.nextInt(100);
    switch (random.nextInt(10)) {
      case 0 -> backend.getState(VALUE).update("x" + n);
      case 1 -> backend.getState(VALUE).clear();
      case 2 -> backend.getState(LIST).add((long) n);
      case 3 -> backend.getState(LIST).clear();
      case 4 -> backend.getState(MAP).put(n % 5, n % 2 == 0 ? null : "y" + n);
      case 5 -> backend.getState(MAP).remove(n % 5);
      case 6 -> backend.getState(MAP).clear();
      case 7 -> backend.getState(REDUCING).add((long) n);
      case 8 -> backend.getState(AGGREGATING).add(n);
      default -> backend.getState(AGGREGATING).clear();
    }
  }

  static boolean owns(KeyedStateBackend<Long> backend, long key) {
    return backend.keyGroupRange().contains(
        dev.cairn.state.spi.KeyGroups.assign(Serializers.LONG, key, backend.maxParallelism()));
  }

  /** Returns state name -> key -> content of every state of every kind (registering them). */
  static Map<String, Map<Long, Object>> contents(KeyedStateBackend<Long> backend) {
    Map<String, Map<Long, Object>> all = new LinkedHashMap<>();
    ValueState<String> value = backend.getState(VALUE);
    ListState<Long> list = backend.getState(LIST);
    MapState<Integer, String> map = backend.getState(MAP);
    ReducingState<Long> reducing = backend.getState(REDUCING);
    AggregatingState<Integer, String> aggregating = backend.getState(AGGREGATING);
    all.put(VALUE.name(), read(backend, VALUE.name(), value::value));
    all.put(LIST.name(), read(backend, LIST.name(), () -> {
      List<Long> elements = new ArrayList<>();
      Iterable<Long> stored = list.get();
      if (stored != null) {
        stored.forEach(elements::add);
      }
      return elements;
    }));
    all.put(MAP.name(), read(backend, MAP.name(), () -> {
      Map<Integer, String> entries = new TreeMap<>();
      for (Map.Entry<Integer, String> entry : map.entries()) {
        entries.put(entry.getKey(), entry.getValue());
      }
      return entries;
    }));
    all.put(REDUCING.name(), read(backend, REDUCING.name(), reducing::get));
    all.put(AGGREGATING.name(), read(backend, AGGREGATING.name(), aggregating::get));
    return all;
  }

  private static Map<Long, Object> read(
      KeyedStateBackend<Long> backend, String state, java.util.function.Supplier<Object> reader) {
    Map<Long, Object> contents = new TreeMap<>();
    List<Long> keys;
    try (var stream = backend.keys(state)) {
      keys = stream.toList();
    }
    for (Long key : keys) {
      backend.setCurrentKey(key);
      contents.put(key, reader.get());
    }
    return contents;
  }

  /** Returns {@code contents} restricted to the keys of {@code range}. */
  static Map<String, Map<Long, Object>> restrict(Map<String, Map<Long, Object>> contents, KeyGroupRange range) {
    Map<String, Map<Long, Object>> restricted = new LinkedHashMap<>();
    contents.forEach((state, byKey) -> {
      Map<Long, Object> kept = new TreeMap<>();
      byKey.forEach((key, value) -> {
        if (range.contains(dev.cairn.state.spi.KeyGroups.assign(Serializers.LONG, key, MAX_PARALLELISM))) {
          kept.put(key, value);
        }
      });
      restricted.put(state, kept);
    });
    return restricted;
  }

  /** Takes an incremental snapshot of {@code backend} and writes it to {@code store}. */
  static SnapshotResult writeIncremental(KeyedStateBackend<?> backend, long checkpointId, MemorySnapshotStore store) {
    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(checkpointId, SnapshotMode.INCREMENTAL)) {
      return snapshot.writeTo(store);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the restore view of a native snapshot in {@code store}. */
  static SnapshotInput input(MemorySnapshotStore store, boolean claim) {
    return store.input(NativeSnapshotMeta.FORMAT, claim);
  }

  /** Returns the names of the SST entries of {@code store}. */
  static List<String> sstEntries(MemorySnapshotStore store) {
    return store.streamNames().stream().filter(name -> name.endsWith(".sst")).sorted().toList();
  }

  /** Returns the SST entries of {@code store} whose handles were stored before ({@code idsBefore}). */
  static Set<String> referencedEntries(MemorySnapshotStore store, Set<String> idsBefore) {
    SnapshotInput claimed = store.input(NativeSnapshotMeta.FORMAT, true);
    Set<String> referenced = new HashSet<>();
    for (String name : sstEntries(store)) {
      SharedFileHandle handle = claimed.sharedHandle(name).orElseThrow();
      if (idsBefore.contains(handle.id())) {
        referenced.add(name);
      }
    }
    return referenced;
  }

  @Override
  public void close() {
    try {
      for (KeyedStateBackend<?> backend : backends) {
        backend.close();
      }
    } finally {
      memory.close();
      directories.close();
    }
  }
}
