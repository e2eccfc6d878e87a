package dev.cairn.state.spi;

/**
 * A contiguous, non-empty range of key groups, both ends inclusive.
 *
 * @param startKeyGroup the first key group
 * @param endKeyGroup the last key group
 */
public record KeyGroupRange(int startKeyGroup, int endKeyGroup) {

  public KeyGroupRange {
    if (startKeyGroup < 0 || endKeyGroup < startKeyGroup || endKeyGroup >= KeyGroups.MAX_MAX_PARALLELISM) {
      throw new IllegalArgumentException(
          "invalid key-group range [" + startKeyGroup + ", " + endKeyGroup + "]");
    }
  }

  /** Returns the range of all key groups for {@code maxParallelism}. */
  public static KeyGroupRange all(int maxParallelism) {
    KeyGroups.checkMaxParallelism(maxParallelism);
    return new KeyGroupRange(0, maxParallelism - 1);
  }

  /**
   * Returns the range owned by instance {@code index} of {@code parallelism} instances that split
   * {@code maxParallelism} key groups as evenly as possible (the first instances get one more group
   * when it does not divide).
   */
  public static KeyGroupRange forInstance(int maxParallelism, int parallelism, int index) {
    KeyGroups.checkMaxParallelism(maxParallelism);
    if (parallelism < 1 || parallelism > maxParallelism) {
      throw new IllegalArgumentException(
          "parallelism must be 1.." + maxParallelism + " (the max parallelism), got " + parallelism);
    }
    if (index < 0 || index >= parallelism) {
      throw new IllegalArgumentException("instance index must be 0.." + (parallelism - 1) + ", got " + index);
    }
    int base = maxParallelism / parallelism;
    int extra = maxParallelism % parallelism;
    int start = index * base + Math.min(index, extra);
    int size = base + (index < extra ? 1 : 0);
    return new KeyGroupRange(start, start + size - 1);
  }

  /** Returns whether {@code keyGroup} is in this range. */
  public boolean contains(int keyGroup) {
    return keyGroup >= startKeyGroup && keyGroup <= endKeyGroup;
  }

  /** Returns the number of key groups in this range. */
  public int size() {
    return endKeyGroup - startKeyGroup + 1;
  }

  /** Returns the intersection of this range and {@code other}, or null if they do not overlap. */
  public KeyGroupRange intersect(KeyGroupRange other) {
    int start = Math.max(startKeyGroup, other.startKeyGroup);
    int end = Math.min(endKeyGroup, other.endKeyGroup);
    return start <= end ? new KeyGroupRange(start, end) : null;
  }

  @Override
  public String toString() {
    return "[" + startKeyGroup + ", " + endKeyGroup + "]";
  }
}
