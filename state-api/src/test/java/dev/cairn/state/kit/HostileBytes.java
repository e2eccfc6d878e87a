package dev.cairn.state.kit;

import static org.assertj.core.api.Assertions.fail;

import dev.cairn.state.StateException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Seeded mutations of valid encodings for the decoding fuzz tests, and their pass criterion: a decoder
 * returns a value or throws a {@link StateException}, never anything else (an {@link Error} least of
 * all). The fuzz tests run in a JVM with a small heap, so a decoder that allocates from a hostile
 * length fails them. {@code -Dcairn.fuzz.rounds=N} raises the mutants per input for long runs.
 */
public final class HostileBytes {

  /** Mutants per valid input. */
  public static final int ROUNDS = Integer.getInteger("cairn.fuzz.rounds", 400);

  private static final byte[] MAX_VAR_INT = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
  private static final byte[] INTERESTING = {0, 1, 0x7F, (byte) 0x80, (byte) 0xFF};

  private HostileBytes() {}

  /** Returns a mutant of {@code valid}: one or a few of flips, overwrites, huge lengths, cuts, splices. */
  public static byte[] mutate(byte[] valid, Random random) {
    byte[] b = valid;
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      b = mutateOnce(b, random);
    }
    return b;
  }

  private static byte[] mutateOnce(byte[] b, Random random) {
    int at = b.length == 0 ? 0 : random.nextInt(b.length);
    switch (random.nextInt(7)) {
      case 0 -> { // flip a bit
        if (b.length == 0) {
          return new byte[] {(byte) random.nextInt()};
        }
        b = b.clone();
        b[at] ^= (byte) (1 << random.nextInt(8));
        return b;
      }
      case 1 -> { // an interesting byte
        if (b.length == 0) {
          return INTERESTING.clone();
        }
        b = b.clone();
        b[at] = INTERESTING[random.nextInt(INTERESTING.length)];
        return b;
      }
      case 2 -> { // a var-int of 2^31-1 inserted: a length or a count
        return splice(b, at, MAX_VAR_INT, 0);
      }
      case 3 -> { // a big-endian int of 2^31-1 or -1 written over
        int v = random.nextBoolean() ? Integer.MAX_VALUE : -1;
        byte[] w = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        return splice(b, at, w, Math.min(4, b.length - at));
      }
      case 4 -> { // truncated
        return Arrays.copyOf(b, at);
      }
      case 5 -> { // a slice repeated
        int length = Math.min(b.length - at, 1 + random.nextInt(16));
        return splice(b, at, Arrays.copyOfRange(b, at, at + length), 0);
      }
      default -> { // random bytes
        byte[] r = new byte[random.nextInt(64)];
        random.nextBytes(r);
        return r;
      }
    }
  }

  private static byte[] splice(byte[] b, int at, byte[] insert, int replace) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + insert.length);
    out.write(b, 0, at);
    out.write(insert, 0, insert.length);
    out.write(b, at + replace, b.length - at - replace);
    return out.toByteArray();
  }

  /**
   * Feeds {@link #ROUNDS} mutants of {@code valid}, and {@code valid} itself, to {@code decoder}; fails
   * naming {@code what}, the seed and the bytes if one throws anything but a {@link StateException}.
   */
  public static void fuzz(String what, byte[] valid, long seed, Consumer<byte[]> decoder) {
    Random random = new Random(seed);
    check(what, valid, seed, decoder);
    for (int round = 0; round < ROUNDS; round++) {
      check(what, mutate(valid, random), seed, decoder);
    }
  }

  /** Fails naming {@code what} and the bytes if decoding {@code input} throws anything but a {@link StateException}. */
  public static void check(String what, byte[] input, long seed, Consumer<byte[]> decoder) {
    try {
      decoder.accept(input);
    } catch (StateException expected) {
      // the answer to bad bytes
    } catch (Throwable t) {
      fail(what + " (seed " + seed + ") threw " + t + " on "
          + HexFormat.of().formatHex(input, 0, Math.min(input.length, 256)) + (input.length > 256 ? "..." : ""), t);
    }
  }
}
