package dev.cairn.ttl;

import dev.cairn.state.State;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.TtlUpdateType;
import dev.cairn.state.TtlVisibility;
import dev.cairn.state.spi.ScannableBackend;
import dev.cairn.state.spi.StateCursor;
import dev.cairn.state.spi.StateMetaInfo;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What every TTL state shares: its configuration, expiry, the entry point of each operation (current
 * key, incremental cleanup) and its cleanup round. Subclasses implement one state kind on a state of
 * the same kind in the wrapped backend, whose values are {@link TtlValue} envelopes.
 *
 * @param <K> the key type
 */
abstract class TtlState<K> implements State {

  final TtlBackend<K> backend;
  final String name;
  final TtlConfig config;
  final StateMetaInfo meta;
  final StateDescriptor<?> innerDescriptor;
  final boolean returnExpired;
  final boolean refreshOnRead;
  /** The cleanup rounds' position in the wrapped state; opened by the first cleanup step. */
  private StateCursor<K> cursor;
  /** The keys a cleanup step's cursor found with expired values, re-checked after it. */
  private final List<K> candidates = new ArrayList<>();
  private final Consumer<K> addCandidate = candidates::add;
  /** The time of the running cleanup step, for {@link #expiredEnvelope}. */
  private long stepNow;
  private final Predicate<Object> expiredEnvelope =
      stored -> stored instanceof TtlValue<?> envelope && isExpired(envelope, stepNow);
  private final long periodicIntervalMillis;
  private long lastPeriodicRun = Long.MIN_VALUE; // the first access runs it

  TtlState(TtlBackend<K> backend, StateDescriptor<?> descriptor, TtlConfig config, StateDescriptor<?> innerDescriptor) {
    this.backend = backend;
    this.name = descriptor.name();
    this.config = config;
    this.meta = StateMetaInfo.of(descriptor);
    this.innerDescriptor = innerDescriptor;
    this.returnExpired = config.visibility() == TtlVisibility.RETURN_EXPIRED_IF_NOT_CLEANED_UP;
    this.refreshOnRead = config.updateType() == TtlUpdateType.ON_READ_AND_WRITE;
    this.periodicIntervalMillis = config.cleanupInterval() == null ? 0 : Math.max(1, config.cleanupInterval().toMillis());
  }

  /** Removes the current (wrapped-backend) key's expired entries; returns whether any were. */
  abstract boolean purgeExpired(long now);

  /** Returns whether the current (wrapped-backend) key has an entry that is not expired; reads only. */
  abstract boolean hasLive(long now);

  /**
   * The start of every operation that reads or removes: checks that there is a current key, runs
   * periodic cleanup if due, and returns the time of the operation.
   */
  final long access() {
    backend.requireKey(name);
    long now = backend.now();
    onRecord(now, false);
    return now;
  }

  /**
   * The start of every operation that may add a key or an entry: {@link #access()}, then this
   * state's incremental cleanup step. Only writes make state grow, so checking keys on writes alone
   * keeps it bounded, and reads never pay for it.
   */
  final long writeAccess() {
    long now = access();
    int keys = config.cleanupKeysPerWrite();
    if (keys > 0) {
      cleanupStep(keys, now);
    }
    return now;
  }

  /** Runs what is due when a record starts ({@code perRecord}) or at any access: periodic cleanup. */
  final void onRecord(long now, boolean perRecord) {
    if (perRecord && config.cleanupKeysPerRecord() > 0) {
      cleanupStep(config.cleanupKeysPerRecord(), now);
    }
    if (periodicIntervalMillis > 0 && periodicRunDue(now)) {
      lastPeriodicRun = now;
      cleanupStep(config.cleanupKeysPerInterval(), now);
    }
  }

  /**
   * Returns whether an interval has passed since the last periodic run, or the clock went back
   * before it (a clock that jumps back must not stop cleanup for the length of the jump). Unsigned:
   * {@code now - lastPeriodicRun} is exact once {@code now >= lastPeriodicRun}.
   */
  private boolean periodicRunDue(long now) {
    return now < lastPeriodicRun || Long.compareUnsigned(now - lastPeriodicRun, periodicIntervalMillis) >= 0;
  }

  final boolean isExpired(TtlValue<?> value, long now) {
    return config.isExpired(value.lastAccess(), now);
  }

  /**
   * Advances this state's cleanup round by up to {@code maxEntries} stored entries (keys; for map
   * state, map entries) through the wrapped backend's {@link StateCursor}, which reads the stored
   * envelopes as it goes (heap, RocksDB: no copy of the keys, no point read per entry), and removes
   * the expired entries of the keys it found with any, after re-checking them. A round that ends
   * within the step goes on from the first entry, once. Skips the current key (its expired entries go
   * when it is read) and does nothing inside {@code applyToAllKeys}.
   *
   * @return the number of keys that had expired entries
   */
  final long cleanupStep(int maxEntries, long now) {
    if (!backend.cleanupAllowed()) {
      return 0;
    }
    if (cursor == null) {
      cursor = ScannableBackend.cursor(backend.inner, name);
    }
    stepNow = now;
    candidates.clear();
    int visited = cursor.advance(maxEntries, expiredEnvelope, addCandidate);
    if (visited < maxEntries) { // the round ended: go on with the next one (a small state: maybe the same keys)
      cursor.advance(maxEntries - visited, expiredEnvelope, addCandidate);
    }
    if (candidates.isEmpty()) {
      return 0;
    }
    long cleaned = 0;
    boolean switched = false;
    try {
      for (K key : visited < maxEntries ? new LinkedHashSet<>(candidates) : candidates) {
        if (Objects.equals(key, backend.currentKey)) {
          continue;
        }
        backend.inner.setCurrentKey(key);
        switched = true;
        if (purgeExpired(now)) {
          cleaned++;
        }
      }
    } finally {
      candidates.clear();
      if (switched) {
        backend.restoreInnerKey();
      }
    }
    return cleaned;
  }

  @Override
  public String toString() {
    return "ttl state '" + name + "' " + config;
  }
}
