package dev.cairn.benchmarks;

import java.util.SplittableRandom;

/**
 * {@code count} pre-boxed {@code Long} keys 0..count-1 and a fixed pseudo-random sequence over them
 * (2^20 draws, repeated), so that measuring allocates no keys and every run draws the same keys.
 */
public final class KeySequence {

  private static final int LENGTH = 1 << 20;

  private final Long[] keys;
  private final int[] order = new int[LENGTH];
  private int next;

  public KeySequence(int count) {
    keys = new Long[count];
    for (int i = 0; i < count; i++) {
      keys[i] = (long) i;
    }
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < LENGTH; i++) {
      order[i] = random.nextInt(count);
    }
  }

  /** Returns every key, in ascending order (for filling). */
  public Long[] all() {
    return keys;
  }

  /** Returns the next key of the random sequence. */
  public Long next() {
    return keys[order[next++ & (LENGTH - 1)]];
  }
}
