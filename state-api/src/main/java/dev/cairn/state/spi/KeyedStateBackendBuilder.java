package dev.cairn.state.spi;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.metrics.RestoreListener;
import dev.cairn.state.serde.TypeSerializer;
import java.time.Duration;

/**
 * The options every keyed backend has; each backend's builder extends it with its own. Every option
 * may be set once: setting one twice fails fast.
 *
 * @param <K> the key type
 * @param <B> the concrete builder type
 */
public abstract class KeyedStateBackendBuilder<K, B extends KeyedStateBackendBuilder<K, B>> {

  private final TypeSerializer<K> keySerializer;
  private Integer maxParallelism;
  private KeyGroupRange keyGroupRange;
  private RestoreListener restoreListener;
  private Duration restoreProgressInterval;

  /**
   * @param keySerializer the key serializer; its stable hash assigns key groups
   */
  protected KeyedStateBackendBuilder(TypeSerializer<K> keySerializer) {
    if (keySerializer == null) {
      throw new IllegalArgumentException("key serializer must not be null");
    }
    this.keySerializer = keySerializer;
  }

  /**
   * Sets the number of key groups, fixed for the life of the job's state. Default {@value
   * KeyGroups#DEFAULT_MAX_PARALLELISM}.
   *
   * @throws IllegalArgumentException unless 1 to {@value KeyGroups#MAX_MAX_PARALLELISM}
   * @throws IllegalStateException if already set
   */
  public B maxParallelism(int maxParallelism) {
    if (this.maxParallelism != null) {
      throw new IllegalStateException("max parallelism was already set to " + this.maxParallelism);
    }
    this.maxParallelism = KeyGroups.checkMaxParallelism(maxParallelism);
    return self();
  }

  /**
   * Sets the key groups this backend owns. Default: all of them.
   *
   * @throws IllegalStateException if already set
   */
  public B keyGroupRange(KeyGroupRange keyGroupRange) {
    if (this.keyGroupRange != null) {
      throw new IllegalStateException("key-group range was already set to " + this.keyGroupRange);
    }
    if (keyGroupRange == null) {
      throw new IllegalArgumentException("key-group range must not be null");
    }
    this.keyGroupRange = keyGroupRange;
    return self();
  }

  /**
   * Sets a listener that hears how each restore of the backend goes (start, progress, end). Restores
   * are logged either way. Default: none.
   *
   * @throws IllegalStateException if already set
   */
  public B restoreListener(RestoreListener listener) {
    if (this.restoreListener != null) {
      throw new IllegalStateException("restore listener was already set to " + this.restoreListener);
    }
    if (listener == null) {
      throw new IllegalArgumentException("restore listener must not be null");
    }
    this.restoreListener = listener;
    return self();
  }

  /**
   * Sets the least time between two progress calls of the restore listener. A progress log line
   * comes at most every 5 seconds, or at this interval if longer. Default 5 seconds.
   *
   * @throws IllegalArgumentException unless positive
   * @throws IllegalStateException if already set
   */
  public B restoreProgressInterval(Duration interval) {
    if (this.restoreProgressInterval != null) {
      throw new IllegalStateException("restore progress interval was already set to " + this.restoreProgressInterval);
    }
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("restore progress interval must be positive, got " + interval);
    }
    this.restoreProgressInterval = interval;
    return self();
  }

  /** Builds the backend. */
  public abstract KeyedStateBackend<K> build();

  /** Returns the key serializer. */
  protected TypeSerializer<K> keySerializer() {
    return keySerializer;
  }

  /** Returns the restore listener, or null. */
  protected RestoreListener restoreListener() {
    return restoreListener;
  }

  /** Returns the restore progress interval, or the default of 5 seconds. */
  protected Duration restoreProgressInterval() {
    return restoreProgressInterval != null ? restoreProgressInterval : Duration.ofSeconds(5);
  }

  /** Returns the max parallelism, or the default. */
  protected int resolvedMaxParallelism() {
    return maxParallelism != null ? maxParallelism : KeyGroups.DEFAULT_MAX_PARALLELISM;
  }

  /**
   * Returns the key-group range, or all groups.
   *
   * @throws IllegalArgumentException if the range does not fit the max parallelism
   */
  protected KeyGroupRange resolvedKeyGroupRange() {
    int max = resolvedMaxParallelism();
    if (keyGroupRange == null) {
      return KeyGroupRange.all(max);
    }
    if (keyGroupRange.endKeyGroup() >= max) {
      throw new IllegalArgumentException(
          "key-group range " + keyGroupRange + " exceeds max parallelism " + max);
    }
    return keyGroupRange;
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }
}
