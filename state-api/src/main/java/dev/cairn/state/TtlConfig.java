package dev.cairn.state;

import java.time.Duration;
import java.util.Objects;

/**
 * How long state lives and how expired state is removed: a state's time-to-live, given to its
 * descriptor with {@link StateDescriptor#withTtl}. Immutable; made by {@link #builder}:
 *
 * <pre>{@code
 * ValueStateDescriptor<Long> lastSeen = StateDescriptors.value("last-seen", Serializers.LONG)
 *     .withTtl(TtlConfig.builder(Duration.ofHours(1))
 *         .updateType(TtlUpdateType.ON_READ_AND_WRITE)
 *         .cleanupInFullSnapshot()
 *         .build());
 * }</pre>
 *
 * <p>TTL is implemented by the TTL decorator ({@code TtlStateBackend}, module {@code cairn-ttl}),
 * which wraps any backend; a backend without it refuses a descriptor with a TTL.
 *
 * <p>An entry whose last access (per {@link TtlUpdateType}) was at {@code t} is expired from the
 * instant {@code t + ttl <= now} (milliseconds of the backend's clock; {@code t + ttl} is clamped to
 * {@code Long.MAX_VALUE} on overflow). Expired entries are always removed lazily when the key's
 * state is read; the cleanup options below remove entries of keys that are never read again, which
 * is what keeps state bounded. By default every write (update, add, put) also checks {@value
 * #DEFAULT_CLEANUP_KEYS_PER_WRITE} other keys ({@link Builder#cleanupIncrementally}); reads never
 * pay for it; {@link
 * Builder#disableCleanupInBackground()} turns that off. Cleanup counts stored entries: a "key
 * checked" below is one key's state, or, for map state, one entry of a key's map (a write adds at
 * most one of either). See the {@code cairn-ttl} README for what each option costs.
 */
public final class TtlConfig {

  /**
   * Keys checked per write to a state by the default background cleanup ({@link
   * Builder#cleanupIncrementally}): two, the fewest that keep a state's size bounded however fast new
   * keys arrive, since a write adds at most one key. Only writes make state grow, so reads are left
   * alone: a read-mostly state pays nothing.
   */
  public static final int DEFAULT_CLEANUP_KEYS_PER_WRITE = 2;

  private static final Duration MAX_MILLIS = Duration.ofMillis(Long.MAX_VALUE);

  private final Duration ttl;
  private final long ttlMillis;
  private final TtlUpdateType updateType;
  private final TtlVisibility visibility;
  private final boolean cleanupInFullSnapshot;
  private final int keysPerWrite;
  private final int keysPerRecord;
  private final Duration cleanupInterval;
  private final int keysPerInterval;

  private TtlConfig(Builder b) {
    this.ttl = b.ttl;
    this.ttlMillis = b.ttlMillis;
    this.updateType = b.updateType != null ? b.updateType : TtlUpdateType.ON_CREATE_AND_WRITE;
    this.visibility = b.visibility != null ? b.visibility : TtlVisibility.NEVER_RETURN_EXPIRED;
    this.cleanupInFullSnapshot = b.cleanupInFullSnapshot;
    this.keysPerWrite = b.keysPerWrite != null ? b.keysPerWrite : DEFAULT_CLEANUP_KEYS_PER_WRITE;
    this.keysPerRecord = b.keysPerRecord != null ? b.keysPerRecord : 0;
    this.cleanupInterval = b.cleanupInterval;
    this.keysPerInterval = b.keysPerInterval;
  }

  /**
   * Starts a configuration with the given time-to-live.
   *
   * @param ttl how long an entry lives after its last access; at least one millisecond. Durations
   *     beyond {@code Long.MAX_VALUE} milliseconds mean "never expires".
   * @throws IllegalArgumentException if {@code ttl} is null or shorter than one millisecond
   */
  public static Builder builder(Duration ttl) {
    return new Builder(ttl);
  }

  /** Returns the time-to-live. */
  public Duration ttl() {
    return ttl;
  }

  /** Returns when last-access timestamps are refreshed. */
  public TtlUpdateType updateType() {
    return updateType;
  }

  /** Returns whether expired entries not yet cleaned up can be read. */
  public TtlVisibility visibility() {
    return visibility;
  }

  /** Returns whether full snapshots leave expired entries out. */
  public boolean cleanupInFullSnapshot() {
    return cleanupInFullSnapshot;
  }

  /** Returns how many keys incremental cleanup checks per write to the state; 0 when off. */
  public int cleanupKeysPerWrite() {
    return keysPerWrite;
  }

  /** Returns how many keys incremental cleanup checks per record ({@code setCurrentKey}); 0 when off. */
  public int cleanupKeysPerRecord() {
    return keysPerRecord;
  }

  /** Returns the interval of periodic cleanup, or null when off. */
  public Duration cleanupInterval() {
    return cleanupInterval;
  }

  /** Returns how many keys each periodic cleanup run checks; 0 when off. */
  public int cleanupKeysPerInterval() {
    return keysPerInterval;
  }

  /** Returns the first instant (ms) at which an entry last accessed at {@code lastAccess} is expired. */
  public long expiresAt(long lastAccess) {
    long sum = lastAccess + ttlMillis;
    return ((lastAccess ^ sum) & (ttlMillis ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  /** Returns whether an entry last accessed at {@code lastAccess} is expired at {@code now}. */
  public boolean isExpired(long lastAccess, long now) {
    return expiresAt(lastAccess) <= now;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TtlConfig c
        && ttlMillis == c.ttlMillis
        && updateType == c.updateType
        && visibility == c.visibility
        && cleanupInFullSnapshot == c.cleanupInFullSnapshot
        && keysPerWrite == c.keysPerWrite
        && keysPerRecord == c.keysPerRecord
        && Objects.equals(cleanupInterval, c.cleanupInterval)
        && keysPerInterval == c.keysPerInterval;
  }

  @Override
  public int hashCode() {
    return Objects.hash(ttlMillis, updateType, visibility, cleanupInFullSnapshot, keysPerWrite, keysPerRecord,
        cleanupInterval, keysPerInterval);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("TtlConfig{ttl=").append(ttl)
        .append(", updateType=").append(updateType)
        .append(", visibility=").append(visibility);
    if (cleanupInFullSnapshot) {
      s.append(", cleanupInFullSnapshot");
    }
    if (keysPerWrite > 0) {
      s.append(", cleanupKeysPerWrite=").append(keysPerWrite);
    }
    if (keysPerRecord > 0) {
      s.append(", cleanupKeysPerRecord=").append(keysPerRecord);
    }
    if (cleanupInterval != null) {
      s.append(", cleanupEvery=").append(cleanupInterval).append(" x ").append(keysPerInterval).append(" keys");
    }
    return s.append('}').toString();
  }

  /** Builds a {@link TtlConfig}. Every option may be set once: setting one twice fails fast. */
  public static final class Builder {

    private final Duration ttl;
    private final long ttlMillis;
    private TtlUpdateType updateType;
    private TtlVisibility visibility;
    private boolean cleanupInFullSnapshot;
    private Integer keysPerWrite;
    private Integer keysPerRecord;
    private Duration cleanupInterval;
    private int keysPerInterval;

    private Builder(Duration ttl) {
      if (ttl == null) {
        throw new IllegalArgumentException("ttl must not be null");
      }
      if (ttl.isNegative() || ttl.compareTo(Duration.ofMillis(1)) < 0) {
        throw new IllegalArgumentException("ttl must be at least 1 ms, got " + ttl);
      }
      this.ttl = ttl;
      this.ttlMillis = ttl.compareTo(MAX_MILLIS) >= 0 ? Long.MAX_VALUE : ttl.toMillis();
    }

    /**
     * Sets when timestamps are refreshed. Default {@link TtlUpdateType#ON_CREATE_AND_WRITE}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder updateType(TtlUpdateType updateType) {
      requireUnset("update type", this.updateType);
      this.updateType = Objects.requireNonNull(updateType, "updateType");
      return this;
    }

    /**
     * Sets whether expired entries not cleaned up yet can be read. Default {@link
     * TtlVisibility#NEVER_RETURN_EXPIRED}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder visibility(TtlVisibility visibility) {
      requireUnset("visibility", this.visibility);
      this.visibility = Objects.requireNonNull(visibility, "visibility");
      return this;
    }

    /**
     * Leaves expired entries out of full (canonical) snapshots: checkpoints and savepoints get
     * smaller and a restored backend starts without them. Expiry is judged at the snapshot's
     * synchronous part. Costs a second pass over the snapshot stream on the writing thread (the
     * timestamps are read from the bytes; values are not deserialized). The live state is not
     * changed.
     *
     * @throws IllegalStateException if already set
     */
    public Builder cleanupInFullSnapshot() {
      if (cleanupInFullSnapshot) {
        throw new IllegalStateException("cleanup in full snapshot was already set");
      }
      cleanupInFullSnapshot = true;
      return this;
    }

    /**
     * On every write to the state (update, add, put, putAll), also checks the next {@code
     * keysPerWrite} keys of a round over all its keys and removes their expired entries. On by default with {@value
     * #DEFAULT_CLEANUP_KEYS_PER_WRITE} keys.
     *
     * @param keysPerWrite 1 or more
     * @throws IllegalStateException if already set
     */
    public Builder cleanupIncrementally(int keysPerWrite) {
      requireUnset("incremental cleanup", this.keysPerWrite);
      this.keysPerWrite = positive("keys per write", keysPerWrite);
      return this;
    }

    /**
     * Turns off the default incremental cleanup: expired entries are then removed only when read,
     * by the other options set here, or by an explicit cleanup call, and the state of keys never
     * read again stays forever.
     *
     * @throws IllegalStateException if incremental cleanup was already set
     */
    public Builder disableCleanupInBackground() {
      requireUnset("incremental cleanup", this.keysPerWrite);
      this.keysPerWrite = 0;
      return this;
    }

    /**
     * On every {@code setCurrentKey} (once per record), checks the next {@code keysPerRecord} keys of
     * the state's round, whether or not the record touches the state.
     *
     * @param keysPerRecord 1 or more
     * @throws IllegalStateException if already set
     */
    public Builder cleanupOnEveryRecord(int keysPerRecord) {
      requireUnset("cleanup on every record", this.keysPerRecord);
      this.keysPerRecord = positive("keys per record", keysPerRecord);
      return this;
    }

    /**
     * Every {@code interval} of the backend's clock, at the next {@code setCurrentKey} or state
     * access, checks the next {@code keysPerRun} keys of the state's round: a bounded, periodic scan
     * on the task thread (its pause is at most {@code keysPerRun} key checks). A clock that goes back
     * starts a new interval at once. Intervals beyond {@code Long.MAX_VALUE} milliseconds are clamped
     * to it.
     *
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if {@code interval} is not positive or {@code keysPerRun < 1}
     */
    public Builder cleanupPeriodically(Duration interval, int keysPerRun) {
      requireUnset("periodic cleanup", cleanupInterval);
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("cleanup interval must be positive, got " + interval);
      }
      this.keysPerInterval = positive("keys per run", keysPerRun);
      this.cleanupInterval = interval.compareTo(MAX_MILLIS) > 0 ? MAX_MILLIS : interval;
      return this;
    }

    /** Builds the configuration. */
    public TtlConfig build() {
      return new TtlConfig(this);
    }

    private static void requireUnset(String option, Object current) {
      if (current != null) {
        throw new IllegalStateException(option + " was already set to " + current);
      }
    }

    private static int positive(String what, int n) {
      if (n < 1) {
        throw new IllegalArgumentException(what + " must be at least 1, got " + n);
      }
      return n;
    }
  }
}
