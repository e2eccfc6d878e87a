package dev.cairn.ttl;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.spi.Snapshotable;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A keyed state backend that gives state a time-to-live: a decorator over any {@link
 * KeyedStateBackend}. Each value, list element and map entry carries its own last-access timestamp
 * (from the given {@link InstantSource}); see {@link TtlConfig} for when entries expire and how they
 * are cleaned up.
 *
 * <pre>{@code
 * KeyedStateBackend<String> backend = TtlStateBackend.wrap(
 *     HeapStateBackend.builder(Serializers.STRING).build(),
 *     TtlConfig.builder(Duration.ofMinutes(30)).cleanupIncrementally(5).build(),
 *     InstantSource.system());
 * ValueState<Long> lastSeen = backend.getState(StateDescriptors.value("last-seen", Serializers.LONG));
 * }</pre>
 *
 * <p>The decorator is a backend like any other: register it with the checkpoint coordinator in place
 * of the wrapped one. It owns the wrapped backend (closing it closes that one), and it is, like every
 * backend, used by one thread only.
 *
 * <p><b>Checkpoints and restore.</b> TTL state is stored in the wrapped backend with its timestamps,
 * so checkpoints and savepoints keep them. Restoring state saved without TTL into a state that now
 * has TTL gives each entry the restore time as its last access; restoring TTL state into a state
 * that now has none (see {@link Builder#noTtl(String)}) drops the timestamps. A backend without this
 * decorator refuses TTL state with an {@link dev.cairn.state.IncompatibleSchemaException} that says
 * so. A changed TTL applies to restored entries from their stored last access.
 *
 * @param <K> the key type
 */
public interface TtlStateBackend<K> extends KeyedStateBackend<K>, Snapshotable {

  /**
   * Wraps {@code backend} so that every state registered through the result has {@code config}.
   *
   * @param backend the backend to wrap, open and without registered state; owned by the result
   * @param config the TTL of every state
   * @param clock where timestamps come from (ms); tests pass a manual clock
   */
  static <K> TtlStateBackend<K> wrap(KeyedStateBackend<K> backend, TtlConfig config, InstantSource clock) {
    return builder(backend, clock).ttl(config).build();
  }

  /**
   * Starts a decorator with per-state settings.
   *
   * @param backend the backend to wrap, open and without registered state; owned by the result
   * @param clock where timestamps come from (ms)
   */
  static <K> Builder<K> builder(KeyedStateBackend<K> backend, InstantSource clock) {
    return new Builder<>(backend, clock);
  }

  /**
   * Returns the TTL of the named state (registered or not), or empty when it has none.
   */
  Optional<TtlConfig> ttlOf(String stateName);

  /**
   * Runs one bounded cleanup step now, on the calling (task) thread: for every registered state with
   * TTL, checks up to {@code maxKeysPerState} keys of its round over all keys and removes their
   * expired entries. For applications that prefer to clean up when idle instead of per access.
   *
   * @return the number of keys whose state had expired entries removed
   * @throws IllegalArgumentException if {@code maxKeysPerState < 1}
   */
  long cleanUp(int maxKeysPerState);

  /** Returns the wrapped backend (for backend-specific properties; do not use its state directly). */
  KeyedStateBackend<K> wrapped();

  /**
   * Builds a {@link TtlStateBackend}. Every option may be set once per state name.
   *
   * @param <K> the key type
   */
  final class Builder<K> {

    private final KeyedStateBackend<K> backend;
    private final InstantSource clock;
    private TtlConfig defaultConfig;
    private final Map<String, Optional<TtlConfig>> perState = new HashMap<>();

    private Builder(KeyedStateBackend<K> backend, InstantSource clock) {
      if (backend == null || clock == null) {
        throw new IllegalArgumentException("backend and clock must not be null");
      }
      this.backend = backend;
      this.clock = clock;
    }

    /**
     * Sets the TTL of every state not named by {@link #ttl(String, TtlConfig)} or {@link
     * #noTtl(String)}. Without it, such states have no TTL.
     *
     * @throws IllegalStateException if already set
     */
    public Builder<K> ttl(TtlConfig config) {
      if (defaultConfig != null) {
        throw new IllegalStateException("default TTL was already set to " + defaultConfig);
      }
      if (config == null) {
        throw new IllegalArgumentException("config must not be null");
      }
      defaultConfig = config;
      return this;
    }

    /**
     * Sets the TTL of one state.
     *
     * @throws IllegalStateException if the state's TTL was already set
     */
    public Builder<K> ttl(String stateName, TtlConfig config) {
      if (config == null) {
        throw new IllegalArgumentException("config must not be null");
      }
      return put(stateName, Optional.of(config));
    }

    /**
     * Gives one state no TTL: it is passed through to the wrapped backend untouched, and restoring
     * it from a snapshot taken with TTL strips the timestamps.
     *
     * @throws IllegalStateException if the state's TTL was already set
     */
    public Builder<K> noTtl(String stateName) {
      return put(stateName, Optional.empty());
    }

    private Builder<K> put(String stateName, Optional<TtlConfig> config) {
      if (stateName == null) {
        throw new IllegalArgumentException("state name must not be null");
      }
      Optional<TtlConfig> previous = perState.putIfAbsent(stateName, config);
      if (previous != null) {
        throw new IllegalStateException(
            "TTL of state '" + stateName + "' was already set to " + previous.map(String::valueOf).orElse("none"));
      }
      return this;
    }

    /** Builds the decorator. */
    public TtlStateBackend<K> build() {
      return new TtlBackend<>(backend, clock, perState, defaultConfig);
    }
  }
}
