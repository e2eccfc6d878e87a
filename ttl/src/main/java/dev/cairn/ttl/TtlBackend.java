package dev.cairn.ttl;

import dev.cairn.state.AggregatingStateDescriptor;
import dev.cairn.state.BackendClosedException;
import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.KeyedStateFunction;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.NoCurrentKeyException;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.State;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.StateRegistrationException;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.metrics.BackendMetrics;
import dev.cairn.state.metrics.MeteredBackend;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.BackendView;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.QueryableBackend;
import dev.cairn.state.spi.StateMetaInfo;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TTL decorator. States with TTL are {@link TtlState}s over states of envelopes in the wrapped
 * backend; states without TTL are the wrapped backend's own. The decorator keeps the current key
 * itself because cleanup and {@code keys()} move the wrapped backend's key to other keys for a
 * moment: whenever control returns to the caller, the wrapped backend's key is the caller's again
 * (or, before the caller ever set one, whatever it was).
 */
final class TtlBackend<K> implements TtlStateBackend<K>, MeteredBackend, QueryableBackend<K> {

  static {
    TtlSerializer.registerReader();
  }

  final KeyedStateBackend<K> inner;
  private final InstantSource clock;
  private final TtlConfig defaultConfig;
  private final Map<String, Boolean> restoreWithTtl;
  private final Map<String, TtlState<K>> ttlStates = new HashMap<>();
  private final List<TtlState<K>> recordCleanups = new ArrayList<>();
  K currentKey;
  private boolean closed;
  private int cleanupBlockers;

  /**
   * @param defaultConfig the TTL of states whose descriptor has none, or null
   * @param restoreWithTtl by state name: whether restore converts the state to TTL (true) or away
   *     from it (false); states not named keep their stored form (with a default TTL: get TTL)
   */
  TtlBackend(
      KeyedStateBackend<K> inner, InstantSource clock, TtlConfig defaultConfig, Map<String, Boolean> restoreWithTtl) {
    this.inner = inner;
    this.clock = clock;
    this.defaultConfig = defaultConfig;
    this.restoreWithTtl = Map.copyOf(restoreWithTtl);
  }

  long now() {
    return clock.millis();
  }

  void checkOpen() {
    if (closed) {
      throw new BackendClosedException("the TTL backend was closed");
    }
  }

  void requireKey(String stateName) {
    checkOpen();
    if (currentKey == null) {
      throw new NoCurrentKeyException("no current key: call setCurrentKey before using state '" + stateName + "'");
    }
  }

  /** Moves the wrapped backend back to the caller's key after cleanup visited others. */
  void restoreInnerKey() {
    if (currentKey != null) {
      inner.setCurrentKey(currentKey);
    }
  }

  boolean cleanupAllowed() {
    return cleanupBlockers == 0;
  }

  @Override
  public void setCurrentKey(K key) {
    inner.setCurrentKey(key);
    currentKey = key;
    if (!recordCleanups.isEmpty()) {
      long now = now();
      for (TtlState<K> state : recordCleanups) {
        state.onRecord(now, true);
      }
    }
  }

  @Override
  public K getCurrentKey() {
    checkOpen();
    return currentKey;
  }

  @Override
  public int getCurrentKeyGroup() {
    int group = inner.getCurrentKeyGroup();
    return currentKey == null ? -1 : group;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <S extends State> S getState(StateDescriptor<S> descriptor) {
    checkOpen();
    TtlConfig config = descriptor.ttl() != null ? descriptor.ttl() : defaultConfig;
    TtlState<K> existing = ttlStates.get(descriptor.name());
    if (existing != null) {
      existing.meta.checkSameState(descriptor);
      if (!existing.config.equals(config)) {
        throw new StateRegistrationException("state '" + descriptor.name() + "' is registered with "
            + existing.config + ", cannot register it with " + (config == null ? "no TTL" : config));
      }
      return (S) existing;
    }
    if (config == null) {
      return inner.getState(descriptor);
    }
    TtlState<K> state;
    try {
      state = create(descriptor, config);
    } catch (IncompatibleSchemaException e) {
      throw new IncompatibleSchemaException(e.getMessage() + "; if TTL was switched on for it since the snapshot,"
          + " declare it with TtlStateBackend.builder(...).convertOnRestore(descriptor)", e);
    }
    ttlStates.put(descriptor.name(), state);
    if (config.cleanupKeysPerRecord() > 0 || config.cleanupInterval() != null) {
      recordCleanups.add(state);
    }
    return (S) state;
  }

  private TtlState<K> create(StateDescriptor<?> descriptor, TtlConfig config) {
    if (descriptor instanceof ValueStateDescriptor<?> value) {
      return new TtlValueState<>(this, value, config);
    }
    if (descriptor instanceof ListStateDescriptor<?> list) {
      return new TtlListState<>(this, list, config);
    }
    if (descriptor instanceof MapStateDescriptor<?, ?> map) {
      return new TtlMapState<>(this, map, config);
    }
    if (descriptor instanceof ReducingStateDescriptor<?> reducing) {
      return new TtlReducingState<>(this, reducing, config);
    }
    return new TtlAggregatingState<>(this, (AggregatingStateDescriptor<?, ?, ?>) descriptor, config);
  }

  @Override
  public Stream<K> keys(String stateName) {
    checkOpen();
    TtlState<K> state = ttlStates.get(stateName);
    if (state == null) {
      return inner.keys(stateName);
    }
    Stream<K> keys = storedKeys(stateName).stream(); // holds nothing open, so cleanup may run while it is consumed
    if (state.returnExpired) {
      return keys;
    }
    long now = now();
    return keys.filter(key -> isLive(state, key, now));
  }

  /** Returns a copy of the keys the wrapped backend holds for a state, expired or not. */
  List<K> storedKeys(String stateName) {
    try (Stream<K> keys = inner.keys(stateName)) {
      return keys.toList();
    }
  }

  private boolean isLive(TtlState<K> state, K key, long now) {
    inner.setCurrentKey(key);
    try {
      return state.hasLive(now);
    } finally {
      restoreInnerKey();
    }
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <S extends State> void applyToAllKeys(StateDescriptor<S> descriptor, KeyedStateFunction<K, S> function) {
    S state = getState(descriptor);
    TtlState<K> ttl = ttlStates.get(descriptor.name());
    StateDescriptor innerDescriptor = ttl == null ? descriptor : ttl.innerDescriptor;
    long now = now();
    K saved = currentKey;
    cleanupBlockers++;
    try {
      inner.applyToAllKeys(innerDescriptor, (key, innerState) -> {
        currentKey = (K) key;
        if (ttl != null && !ttl.returnExpired) {
          ttl.purgeExpired(now);
          if (!ttl.hasLive(now)) {
            return;
          }
        }
        function.process((K) key, state);
      });
    } finally {
      currentKey = saved;
      cleanupBlockers--;
    }
  }

  @Override
  public long cleanUp(int maxKeysPerState) {
    checkOpen();
    if (maxKeysPerState < 1) {
      throw new IllegalArgumentException("max keys per state must be at least 1, got " + maxKeysPerState);
    }
    long now = now();
    long cleaned = 0;
    for (TtlState<K> state : ttlStates.values()) {
      cleaned += state.cleanupStep(maxKeysPerState, now);
    }
    return cleaned;
  }

  @Override
  public KeyedStateBackend<K> wrapped() {
    checkOpen();
    return inner;
  }

  @Override
  public TypeSerializer<K> keySerializer() {
    return inner.keySerializer();
  }

  @Override
  public int maxParallelism() {
    return inner.maxParallelism();
  }

  @Override
  public KeyGroupRange keyGroupRange() {
    return inner.keyGroupRange();
  }

  @Override
  public StateSnapshot snapshot(long checkpointId, SnapshotMode mode) {
    checkOpen();
    long now = now();
    return new TtlStateSnapshot(Snapshotable.of(inner).snapshot(checkpointId, mode), snapshotFilter(), now);
  }

  /**
   * The filter of a snapshot (null if none is needed): drops expired entries of stored TTL states
   * whose TTL says so, judged by the TTL of each state now (its own, or the default for TTL states
   * restored but not registered). Reads nothing mutable later: the filter runs on the writing thread.
   */
  private TtlStateSnapshot.Filter snapshotFilter() {
    Map<String, TtlConfig> cleaned = new HashMap<>();
    ttlStates.forEach((name, state) -> {
      if (state.config.cleanupInFullSnapshot()) {
        cleaned.put(name, state.config);
      }
    });
    TtlConfig otherwise = defaultConfig != null && defaultConfig.cleanupInFullSnapshot() ? defaultConfig : null;
    if (cleaned.isEmpty() && otherwise == null) {
      return null;
    }
    Set<String> registered = Set.copyOf(ttlStates.keySet());
    return (stateName, storedWithTtl, now) -> {
      TtlConfig config = registered.contains(stateName) ? cleaned.get(stateName) : otherwise;
      return storedWithTtl && config != null ? EnvelopeRewrites.dropExpired(config, now) : null;
    };
  }

  @Override
  public void restore(Collection<SnapshotInput> inputs) {
    checkOpen();
    if (!ttlStates.isEmpty()) {
      throw new IllegalStateException("restore must come before any state is registered");
    }
    TtlRestore.restore(
        inner, inputs,
        stored -> restoreWithTtl.getOrDefault(stored.name(), defaultConfig != null || EnvelopeRewrites.hasTtl(stored)),
        now());
  }

  /**
   * A view of the wrapped backend in which states with TTL hide expired entries (judged now) and
   * their envelopes ({@link TtlStateView}).
   */
  @Override
  public BackendView<K> view() {
    checkOpen();
    Map<String, TtlStateView.TtlInfo> ttl = new HashMap<>();
    Map<String, StateMetaInfo> metas = new HashMap<>();
    ttlStates.forEach((name, state) -> {
      ttl.put(name, new TtlStateView.TtlInfo(state.meta.kind(), state.config));
      metas.put(name, state.meta);
    });
    long now = now();
    return new TtlStateView<>(QueryableBackend.of(inner).view(), ttl, metas, now);
  }

  /** The wrapped backend's figures: expired entries count until cleanup removes them. */
  @Override
  public BackendMetrics metrics() {
    return MeteredBackend.of(inner).metrics();
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    Snapshotable.of(inner).notifyCheckpointComplete(checkpointId);
  }

  @Override
  public void notifyCheckpointAborted(long checkpointId) {
    Snapshotable.of(inner).notifyCheckpointAborted(checkpointId);
  }

  @Override
  public void notifyCheckpointSubsumed(long checkpointId) {
    Snapshotable.of(inner).notifyCheckpointSubsumed(checkpointId);
  }

  @Override
  public void close() {
    closed = true;
    inner.close();
  }

  @Override
  public String toString() {
    return "TtlStateBackend(" + inner + ")";
  }
}
