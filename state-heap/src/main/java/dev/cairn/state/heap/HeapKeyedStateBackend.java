package dev.cairn.state.heap;

import dev.cairn.state.AggregatingStateDescriptor;
import dev.cairn.state.BackendClosedException;
import dev.cairn.state.KeyGroupOutOfRangeException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.KeyedStateFunction;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.NoCurrentKeyException;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.State;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.StateException;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.metrics.BackendMetrics;
import dev.cairn.state.metrics.MeteredBackend;
import dev.cairn.state.metrics.RestoreListener;
import dev.cairn.state.metrics.RestoreProgress;
import dev.cairn.state.metrics.StateMetrics;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.BackendView;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyGroups;
import dev.cairn.state.spi.OwnerThread;
import dev.cairn.state.spi.QueryableBackend;
import dev.cairn.state.spi.ScannableBackend;
import dev.cairn.state.spi.StateCursor;
import dev.cairn.state.spi.RestoreMonitor;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateMetaInfo;
import dev.cairn.state.spi.StateSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The heap backend: every state is a {@link StateTable} of Java objects laid out by key group, and
 * snapshots are copy-on-write versions (see {@link StateTable} and {@link HeapStateSnapshot}).
 *
 * <p>{@link #setCurrentKey} computes the key group once; state handles read the cached {@link
 * #groupIndex}, which is negative when no key is set or the backend is closed, so the hot path has a
 * single check besides the {@link #ownerThread} check. Not thread-safe, except {@link #releaseSnapshot},
 * called by snapshots from any thread.
 *
 * <p>Incremental snapshots: {@link #tracker} stays null, and the tables track nothing, until the first
 * {@link SnapshotMode#INCREMENTAL} snapshot (or a restore that continues a claimed incremental chain);
 * from then on every table records the keys written or removed (see {@link ChangeTracker}).
 *
 * <p>Views for other threads ({@link #view()}) freeze the tables like a snapshot and pin the version
 * the same way ({@link HeapStateView}).
 *
 * <p>Metrics ({@link #metrics()}, any thread) read the registered tables from {@link #meteredTables},
 * a copy published on each registration, and each table's sizes as the task thread left them.
 */
final class HeapKeyedStateBackend<K>
    implements KeyedStateBackend<K>, Snapshotable, MeteredBackend, QueryableBackend<K>, ScannableBackend<K> {

  private static final int NO_KEY = -1;
  private static final int CLOSED = Integer.MIN_VALUE;

  final TypeSerializer<K> keySerializer;
  private final boolean copyKeys;
  private final int maxParallelism;
  private final KeyGroupRange range;
  final OwnerThread ownerThread = new OwnerThread("heap state backend");

  /** The backend's own copy of the current key; never handed out. */
  K currentKey;
  private int currentKeyGroup = -1;
  /** The current key group's index in the range, {@link #NO_KEY} or {@link #CLOSED}. */
  int groupIndex = NO_KEY;
  /** Volatile: views read it on other threads. */
  private volatile boolean closed;

  /** The version new group maps and containers are stamped with; bumped by each snapshot. */
  int version;
  /** The highest version an open snapshot may share, -1 if none: objects up to it are never changed. */
  volatile int requiredVersion = -1;
  private final TreeSet<Integer> openSnapshotVersions = new TreeSet<>();

  private final Map<String, StateTable<K>> tables = new LinkedHashMap<>();
  /** The registered tables for {@link #metrics()}: replaced, never changed. */
  private volatile List<StateTable<K>> meteredTables = List.of();
  final RestoreListener restoreListener;
  final Duration restoreProgressInterval;
  private volatile RestoreProgress lastRestore;
  private final Map<String, RestoredState> restored = new TreeMap<>();
  private String[] restoredFrom;
  private int restoredInputs;

  private final int maxDeltas;
  private final double maxDeltaRatio;
  /** Null until change tracking is needed. */
  private ChangeTracker<K> tracker;

  HeapKeyedStateBackend(
      TypeSerializer<K> keySerializer,
      int maxParallelism,
      KeyGroupRange range,
      int maxDeltas,
      double maxDeltaRatio,
      RestoreListener restoreListener,
      Duration restoreProgressInterval) {
    this.keySerializer = keySerializer;
    this.restoreListener = restoreListener;
    this.restoreProgressInterval = restoreProgressInterval;
    this.copyKeys = !keySerializer.isImmutable();
    this.maxParallelism = maxParallelism;
    this.range = range;
    this.restoredFrom = new String[range.size()];
    this.maxDeltas = maxDeltas;
    this.maxDeltaRatio = maxDeltaRatio;
  }

  @Override
  public void setCurrentKey(K key) {
    if (key == null) {
      throw new NullPointerException("current key must not be null");
    }
    ownerThread.checkKeyed();
    checkOpen();
    int keyGroup = KeyGroups.assign(keySerializer, key, maxParallelism);
    int index = keyGroup - range.startKeyGroup();
    if (index < 0 || keyGroup > range.endKeyGroup()) {
      throw new KeyGroupOutOfRangeException(
          "key " + key + " belongs to key group " + keyGroup + ", outside this backend's key-group range " + range);
    }
    currentKey = copyKeys ? keySerializer.copy(key) : key;
    currentKeyGroup = keyGroup;
    groupIndex = index;
  }

  @Override
  public K getCurrentKey() {
    ownerThread.check();
    checkOpen();
    return currentKey == null || !copyKeys ? currentKey : keySerializer.copy(currentKey);
  }

  @Override
  public int getCurrentKeyGroup() {
    ownerThread.check();
    checkOpen();
    return currentKeyGroup;
  }

  /** The exception for a state access while {@link #groupIndex} is negative. */
  StateException accessFailure(String stateName) {
    if (closed) {
      return new BackendClosedException("state '" + stateName + "' used after its backend was closed");
    }
    return new NoCurrentKeyException("state '" + stateName + "' accessed before a current key was set");
  }

  boolean isClosed() {
    return closed;
  }

  void checkOpen() {
    if (closed) {
      throw new BackendClosedException("the heap state backend was closed");
    }
  }

  @Override
  public <S extends State> S getState(StateDescriptor<S> descriptor) {
    Objects.requireNonNull(descriptor, "descriptor");
    ownerThread.check();
    checkOpen();
    StateMetaInfo.refuseTtl(descriptor);
    StateTable<K> table = tables.get(descriptor.name());
    if (table != null) {
      if (table.descriptor.equals(descriptor)) {
        return handle(table.handle);
      }
      table.meta.checkSameState(descriptor);
      return handle(newHandle(table, descriptor));
    }
    if (descriptor instanceof MapStateDescriptor<?, ?> map && map.userKeySerializer() == Serializers.BYTES) {
      throw new IllegalArgumentException(
          "state '" + descriptor.name() + "': byte[] map keys have no value-based equals; the heap backend"
              + " needs one (wrap the bytes in a type that compares contents)");
    }
    table = new StateTable<>(this, descriptor, range.size());
    if (tracker != null) {
      table.startTracking();
    }
    RestoredState pending = restored.get(descriptor.name());
    if (pending != null) {
      table.load(pending, pending.meta().checkRestorableAs(descriptor));
      restored.remove(descriptor.name());
    }
    table.handle = newHandle(table, descriptor);
    tables.put(descriptor.name(), table);
    meteredTables = List.copyOf(tables.values());
    return handle(table.handle);
  }

  @SuppressWarnings("unchecked")
  private static <S extends State> S handle(HeapState<?> handle) {
    return (S) handle;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private HeapState<K> newHandle(StateTable<K> table, StateDescriptor<?> descriptor) {
    if (descriptor instanceof ValueStateDescriptor value) {
      return new HeapValueState<>(this, table, value);
    } else if (descriptor instanceof ListStateDescriptor list) {
      return new HeapListState<>(this, table, list);
    } else if (descriptor instanceof MapStateDescriptor map) {
      return new HeapMapState<>(this, table, map);
    } else if (descriptor instanceof ReducingStateDescriptor reducing) {
      return new HeapReducingState<>(this, table, reducing);
    } else {
      return new HeapAggregatingState<>(this, table, (AggregatingStateDescriptor) descriptor);
    }
  }

  @Override
  public Stream<K> keys(String stateName) {
    ownerThread.check();
    checkOpen();
    return keysOf(registered(stateName)).stream();
  }

  private StateTable<K> registered(String stateName) {
    StateTable<K> table = tables.get(stateName);
    if (table == null) {
      throw new IllegalArgumentException("no state named '" + stateName + "' is registered");
    }
    return table;
  }

  /** Returns a copy of the keys with state in {@code table} (copies of the keys, for mutable keys). */
  private List<K> keysOf(StateTable<K> table) {
    List<K> keys = new ArrayList<>();
    for (SlotMap<K, Object> group : table.groups) {
      if (group == null) {
        continue;
      }
      for (int pair = 0; pair < group.capacity(); pair++) {
        K key = group.keyAt(pair);
        if (key != null) {
          keys.add(copyKeys ? keySerializer.copy(key) : key);
        }
      }
    }
    return keys;
  }

  /**
   * A cursor over the table in key-group order. Entering a key group, it copies that group's keys
   * and stored values (one group at a time: a fraction of the state; one sequential pass over the
   * group's slot array), so every key present throughout a round is visited in it however the
   * group's map resizes or shifts entries meanwhile, and a visit costs no hash lookup. A visit hands
   * {@code select} the value stored when the group was entered: a key written or removed since may
   * be judged by its older value (callers re-check what they are passed, see {@link StateCursor}).
   * A map state's user map is walked by slot index, so a map changed while the cursor is inside it
   * may have entries missed or repeated in that round.
   */
  @Override
  public StateCursor<K> cursor(String stateName) {
    ownerThread.check();
    checkOpen();
    registered(stateName);
    return new StateCursor<>() {
      private int group = -1;
      @SuppressWarnings("unchecked")
      private K[] groupKeys = (K[]) new Object[0];
      private Object[] groupValues = new Object[0];
      private int groupSize;
      private int next;
      private int mapPair;

      @Override
      public int advance(int maxEntries, Predicate<Object> select, Consumer<? super K> selected) {
        StateCursor.checkMaxEntries(maxEntries);
        ownerThread.check();
        checkOpen();
        StateTable<K> table = registered(stateName);
        int visited = 0;
        while (visited < maxEntries) {
          if (next >= groupSize) {
            if (group + 1 >= table.groups.length) {
              group = -1;
              groupSize = 0;
              next = 0;
              Arrays.fill(groupKeys, null);
              Arrays.fill(groupValues, null);
              return visited; // the round ended
            }
            enterGroup(table.groups[++group]);
            continue;
          }
          K key = groupKeys[next];
          Object stored = groupValues[next];
          boolean hit = false;
          switch (table.kind) {
            case MAP -> {
              SlotMap<?, ?> map = (SlotMap<?, ?>) stored;
              for (; mapPair < map.capacity() && visited < maxEntries; mapPair++) {
                if (map.keyAt(mapPair) != null) {
                  visited++;
                  hit = hit || select.test(map.valueAt(mapPair));
                }
              }
              if (mapPair < map.capacity()) {
                if (hit) {
                  selected.accept(copyKeys ? keySerializer.copy(key) : key);
                }
                return visited; // the rest of this key's map is the next call's
              }
            }
            case LIST -> {
              visited++;
              for (Object element : (List<?>) stored) {
                if (select.test(element)) {
                  hit = true;
                  break;
                }
              }
            }
            default -> {
              visited++;
              hit = select.test(stored);
            }
          }
          next++;
          mapPair = 0;
          if (hit) {
            selected.accept(copyKeys ? keySerializer.copy(key) : key);
          }
        }
        return visited;
      }

      private void enterGroup(SlotMap<K, Object> groupMap) {
        next = 0;
        mapPair = 0;
        groupSize = 0;
        if (groupMap == null) {
          return;
        }
        if (groupKeys.length < groupMap.size()) {
          int length = Math.max(groupMap.size(), 2 * groupKeys.length);
          groupKeys = Arrays.copyOf(groupKeys, length);
          groupValues = new Object[length];
        }
        for (int pair = 0; pair < groupMap.capacity(); pair++) {
          K key = groupMap.keyAt(pair);
          if (key != null) {
            groupKeys[groupSize] = key;
            groupValues[groupSize++] = groupMap.valueAt(pair);
          }
        }
        Arrays.fill(groupKeys, groupSize, groupKeys.length, null); // hold no removed key or value
        Arrays.fill(groupValues, groupSize, groupValues.length, null);
      }
    };
  }

  @Override
  public <S extends State> void applyToAllKeys(StateDescriptor<S> descriptor, KeyedStateFunction<K, S> function) {
    Objects.requireNonNull(function, "function");
    S state = getState(descriptor);
    List<K> keys = keysOf(tables.get(descriptor.name()));
    K previousKey = currentKey;
    int previousKeyGroup = currentKeyGroup;
    int previousIndex = groupIndex;
    try {
      for (K key : keys) {
        setCurrentKey(key);
        function.process(key, state);
      }
    } finally {
      if (!closed) {
        currentKey = previousKey;
        currentKeyGroup = previousKeyGroup;
        groupIndex = previousIndex;
      }
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
    return range;
  }

  @Override
  public StateSnapshot snapshot(long checkpointId, SnapshotMode mode) {
    Objects.requireNonNull(mode, "mode");
    ownerThread.check();
    checkOpen();
    List<SnapshotPart> parts = new ArrayList<>(tables.size() + restored.size());
    for (StateTable<K> table : tables.values()) {
      parts.add(table.freeze());
    }
    parts.addAll(restored.values());
    ChangeTracker.Plan<K> plan = null;
    if (mode == SnapshotMode.INCREMENTAL) {
      if (tracker == null) {
        startTracking();
      }
      List<StateMetaInfo> states = new ArrayList<>(parts.size());
      for (SnapshotPart part : parts) {
        states.add(part.meta());
      }
      plan = tracker.plan(checkpointId, tables.values(), states);
    }
    return new HeapStateSnapshot<>(
        this, checkpointId, pinVersion(), maxParallelism, range, keySerializer.snapshot(), parts, plan);
  }

  /**
   * Freezes every registered state for readers on other threads, like the synchronous part of a
   * snapshot: the group arrays are cloned and the version pinned until the view is released.
   */
  @Override
  public BackendView<K> view() {
    ownerThread.check();
    checkOpen();
    Map<String, StateTable.Frozen<K>> frozen = new LinkedHashMap<>();
    for (StateTable<K> table : tables.values()) {
      frozen.put(table.name, table.freeze());
    }
    return new HeapStateView<>(this, pinVersion(), frozen, maxParallelism, range);
  }

  /**
   * Pins the current version for a snapshot or view that froze the tables: no structure of it or an
   * older version is changed until {@link #releaseSnapshot} unpins it. Returns the pinned version.
   */
  private int pinVersion() {
    int frozen = version;
    synchronized (openSnapshotVersions) {
      openSnapshotVersions.add(frozen);
      requiredVersion = frozen;
    }
    version = frozen + 1;
    return frozen;
  }

  /** The number of pinned versions (snapshots and views not yet released): a probe for tests. */
  int pinnedVersions() {
    synchronized (openSnapshotVersions) {
      return openSnapshotVersions.size();
    }
  }

  private void startTracking() {
    tracker = new ChangeTracker<>(maxDeltas, maxDeltaRatio);
    for (StateTable<K> table : tables.values()) {
      table.startTracking();
    }
  }

  /** Whether the tables record changed keys: a probe for tests. */
  boolean tracksChanges() {
    return tracker != null;
  }

  /** The number of keys in the tables' current dirty sets: a probe for tests. */
  long dirtyKeyCount() {
    long count = 0;
    for (StateTable<K> table : tables.values()) {
      if (table.dirty != null) {
        for (SlotMap<K, Object> keys : table.dirty) {
          count += keys == null ? 0 : keys.size();
        }
      }
    }
    return count;
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    ownerThread.check();
    if (tracker != null && !closed) {
      tracker.complete(checkpointId);
    }
  }

  @Override
  public void notifyCheckpointAborted(long checkpointId) {
    ownerThread.check();
    if (tracker != null && !closed) {
      tracker.abort(checkpointId);
    }
  }

  /** Unpins the version of a snapshot that was written or closed, or of a released view; any thread. */
  void releaseSnapshot(int snapshotVersion) {
    synchronized (openSnapshotVersions) {
      openSnapshotVersions.remove(snapshotVersion);
      requiredVersion = openSnapshotVersions.isEmpty() ? -1 : openSnapshotVersions.last();
    }
  }

  @Override
  public void restore(Collection<SnapshotInput> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    ownerThread.check();
    checkOpen();
    if (!tables.isEmpty()) {
      throw new IllegalStateException(
          "restore must come before any state is registered; registered: " + tables.keySet());
    }
    RestoreMonitor monitor = RestoreMonitor.start("heap", inputs, restoreListener, restoreProgressInterval);
    HeapRestore restore = new HeapRestore(keySerializer, maxParallelism, range, restored, restoredFrom, monitor);
    try {
      for (SnapshotInput input : monitor.inputs()) {
        restore.read(input);
      }
    } catch (RuntimeException | Error e) {
      lastRestore = monitor.end(e);
      throw e;
    }
    lastRestore = monitor.end(null);
    restored.putAll(restore.states());
    restoredFrom = restore.coveredBy();
    restoredInputs += inputs.size();
    // only a backend restored from exactly one claimed chain of its own range may extend that chain
    ChangeTracker.Chain chain = restoredInputs == 1 ? restore.claimedChain() : null;
    if (chain != null && tracker == null) {
      startTracking(); // changes from now on go into the chain's next delta
    }
    if (tracker != null) {
      tracker.restart(chain);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    groupIndex = CLOSED;
    currentKey = null;
    tables.clear();
    meteredTables = List.of();
    restored.clear();
    tracker = null;
  }

  /**
   * Exact entry counts (keys with state) and estimated bytes (see {@link StateTable#metrics()}); no
   * memory budget, no write stalls.
   */
  @Override
  public BackendMetrics metrics() {
    List<StateMetrics> states = new ArrayList<>();
    for (StateTable<K> table : meteredTables) {
      states.add(table.metrics());
    }
    return new BackendMetrics("heap", states, -1, -1, 0, lastRestore, Map.of());
  }
}
