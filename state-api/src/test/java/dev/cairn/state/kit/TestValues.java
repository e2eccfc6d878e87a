package dev.cairn.state.kit;

/** Values the contracts share. */
final class TestValues {

  private TestValues() {}

  /** Returns an array of 10 MiB plus {@code seed} bytes, with a pattern depending on {@code seed}. */
  static byte[] bigArray(int seed) {
    byte[] big = new byte[10 * 1024 * 1024 + seed];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31 + seed);
    }
    return big;
  }
}
