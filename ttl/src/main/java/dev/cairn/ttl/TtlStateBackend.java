package dev.cairn.ttl;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.spi.Snapshotable;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/**
 * A keyed state backend that gives state a time-to-live: a decorator over any {@link
 * KeyedStateBackend}. A state has TTL when its descriptor has one ({@link StateDescriptor#withTtl}),
 * or when the decorator has a default TTL for every state. Each value, list element and map entry
 * carries its own last-access timestamp (from the given {@link InstantSource}: in production {@link
 * TickingClock#shared()}, in tests a clock they control); see {@link TtlConfig} for when entries
 * expire and how they are cleaned up.
 *
 * <pre>{@code
 * KeyedStateBackend<String> backend = TtlStateBackend.wrap(HeapStateBackend.builder(Serializers.STRING).build(),
 *     TickingClock.shared());
 * ValueState<Long> lastSeen = backend.getState(StateDescriptors.value("last-seen", Serializers.LONG)
 *     .withTtl(TtlConfig.builder(Duration.ofMinutes(30)).build()));
 * }</pre>
 *
 * <p>The decorator is a backend like any other: register it with the checkpoint coordinator in place
 * of the wrapped one. It owns the wrapped backend (closing it closes that one), and it is, like every
 * backend, used by one thread only.
 *
 * <p><b>Checkpoints and restore.</b> TTL state is stored in the wrapped backend with its timestamps,
 * so checkpoints and savepoints keep them, and a changed TTL applies to restored entries from their
 * stored last access. Restore happens before states are registered, so it keeps each state with or
 * without TTL as stored (with a default TTL: with), unless {@link Builder#convertOnRestore} declares
 * that its TTL was switched on (entries get the restore time as last access) or off (timestamps are
 * dropped). A backend without this decorator refuses TTL state with an {@link
 * dev.cairn.state.IncompatibleSchemaException} that says so.
 *
 * @param <K> the key type
 */
public interface TtlStateBackend<K> extends KeyedStateBackend<K>, Snapshotable {

  /**
   * Wraps {@code backend}: states whose descriptors have a TTL get it, others pass through.
   *
   * @param backend the backend to wrap, open and without registered state; owned by the result
   * @param clock where timestamps come from (ms); tests pass a manual clock
   */
  static <K> TtlStateBackend<K> wrap(KeyedStateBackend<K> backend, InstantSource clock) {
    return builder(backend, clock).build();
  }

  /**
   * Wraps {@code backend} so that every state has a TTL: its descriptor's, or else {@code defaultTtl}.
   *
   * @param backend the backend to wrap, open and without registered state; owned by the result
   * @param defaultTtl the TTL of states whose descriptor has none
   * @param clock where timestamps come from (ms); tests pass a manual clock
   */
  static <K> TtlStateBackend<K> wrap(KeyedStateBackend<K> backend, TtlConfig defaultTtl, InstantSource clock) {
    return builder(backend, clock).defaultTtl(defaultTtl).build();
  }

  /**
   * Starts a decorator with more settings.
   *
   * @param backend the backend to wrap, open and without registered state; owned by the result
   * @param clock where timestamps come from (ms)
   */
  static <K> Builder<K> builder(KeyedStateBackend<K> backend, InstantSource clock) {
    return new Builder<>(backend, clock);
  }

  /**
   * Runs one bounded cleanup step now, on the calling (task) thread: for every registered state with
   * TTL, checks up to {@code maxKeysPerState} keys of its round over all keys and removes their
   * expired entries. For applications that prefer to clean up when idle instead of per write.
   *
   * @return the number of keys whose state had expired entries removed
   * @throws IllegalArgumentException if {@code maxKeysPerState < 1}
   */
  long cleanUp(int maxKeysPerState);

  /** Returns the wrapped backend (for backend-specific properties; do not use its state directly). */
  KeyedStateBackend<K> wrapped();

  /**
   * Builds a {@link TtlStateBackend}.
   *
   * @param <K> the key type
   */
  final class Builder<K> {

    private final KeyedStateBackend<K> backend;
    private final InstantSource clock;
    private TtlConfig defaultTtl;
    private final Map<String, StateDescriptor<?>> converted = new HashMap<>();

    private Builder(KeyedStateBackend<K> backend, InstantSource clock) {
      if (backend == null || clock == null) {
        throw new IllegalArgumentException("backend and clock must not be null");
      }
      this.backend = backend;
      this.clock = clock;
    }

    /**
     * Gives every state whose descriptor has no TTL this one.
     *
     * @throws IllegalStateException if already set
     */
    public Builder<K> defaultTtl(TtlConfig config) {
      if (defaultTtl != null) {
        throw new IllegalStateException("default TTL was already set to " + defaultTtl);
      }
      if (config == null) {
        throw new IllegalArgumentException("config must not be null");
      }
      defaultTtl = config;
      return this;
    }

    /**
     * Declares states whose TTL was switched on or off since the snapshot that will be restored: the
     * restore converts each to what its descriptor (or the default TTL) says. Entries of a state that
     * gains TTL get the restore time as last access; a state that loses it drops the timestamps. A
     * state already stored that way, or not in the snapshot, is left as it is, so the declaration may
     * stay in place. Converts canonical snapshots (savepoints, full checkpoints) only.
     *
     * @throws IllegalStateException if a state of the same name was already declared
     */
    public Builder<K> convertOnRestore(StateDescriptor<?>... descriptors) {
      for (StateDescriptor<?> descriptor : descriptors) {
        StateDescriptor<?> previous = converted.putIfAbsent(descriptor.name(), descriptor);
        if (previous != null) {
          throw new IllegalStateException("state '" + descriptor.name() + "' was already declared as " + previous);
        }
      }
      return this;
    }

    /** Builds the decorator. */
    public TtlStateBackend<K> build() {
      Map<String, Boolean> restoreWithTtl = new HashMap<>();
      converted.forEach((name, descriptor) -> restoreWithTtl.put(name, descriptor.ttl() != null || defaultTtl != null));
      return new TtlBackend<>(backend, clock, defaultTtl, restoreWithTtl);
    }
  }
}
