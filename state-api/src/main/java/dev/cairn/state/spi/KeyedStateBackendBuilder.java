package dev.cairn.state.spi;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.serde.TypeSerializer;

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

  /** Builds the backend. */
  public abstract KeyedStateBackend<K> build();

  /** Returns the key serializer. */
  protected TypeSerializer<K> keySerializer() {
    return keySerializer;
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
