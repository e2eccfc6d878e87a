package dev.cairn.state.spi;

import dev.cairn.state.serde.TypeSerializer;

/**
 * The one key-group assignment of Cairn, used by every backend and stable across JVM runs and
 * machines: {@code keyGroup = (mix(stableHash) & 0x7fffffff) % maxParallelism}, where {@code
 * stableHash} is {@link TypeSerializer#stableHash(Object)} of the key serializer (never an identity
 * hash code) and {@code mix} is the 32-bit finalizer of MurmurHash3, which spreads keys whose hashes
 * differ only in high bits (such as consecutive {@code Long} values) evenly over the groups.
 */
public final class KeyGroups {

  /** The default number of key groups. */
  public static final int DEFAULT_MAX_PARALLELISM = 128;

  /** The largest allowed number of key groups. */
  public static final int MAX_MAX_PARALLELISM = 32768;

  private KeyGroups() {}

  /** Returns the key group of {@code key}. */
  public static <K> int assign(TypeSerializer<K> keySerializer, K key, int maxParallelism) {
    return assign(keySerializer.stableHash(key), maxParallelism);
  }

  /** Returns the key group of a key whose stable hash is {@code stableHash}. */
  public static int assign(int stableHash, int maxParallelism) {
    return (mix(stableHash) & 0x7fffffff) % maxParallelism;
  }

  /** The MurmurHash3 32-bit finalizer. */
  static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /**
   * Checks a max parallelism value.
   *
   * @throws IllegalArgumentException unless it is 1 to {@value #MAX_MAX_PARALLELISM}
   */
  public static int checkMaxParallelism(int maxParallelism) {
    if (maxParallelism < 1 || maxParallelism > MAX_MAX_PARALLELISM) {
      throw new IllegalArgumentException(
          "max parallelism must be 1.." + MAX_MAX_PARALLELISM + ", got " + maxParallelism);
    }
    return maxParallelism;
  }
}
