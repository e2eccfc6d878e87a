package dev.cairn.examples;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.TypeSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the course-module examples share: their command-line options, their backends and their
 * temporary directories. Each example runs with no arguments as a self-contained demo in a
 * temporary directory of its own, deleted at the end.
 */
public final class Demo {

  private Demo() {}

  /**
   * Parses {@code --name value} pairs, each name one of {@code known}.
   *
   * @return the values by option name (without the dashes), in the order given
   * @throws IllegalArgumentException for an unknown option or a missing value, naming it
   */
  public static Map<String, String> options(String[] args, List<String> known) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || !known.contains(args[i].substring(2))) {
        throw new IllegalArgumentException("unknown argument " + args[i]);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      values.put(args[i].substring(2), args[i + 1]);
    }
    return values;
  }

  /**
   * Returns option {@code name} as a positive long, or {@code otherwise} if it is absent.
   *
   * @throws IllegalArgumentException if the value is not a positive number
   */
  public static long positive(Map<String, String> options, String name, long otherwise) {
    String value = options.get(name);
    if (value == null) {
      return otherwise;
    }
    try {
      long n = Long.parseLong(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--" + name + " must be a positive number, got " + value);
  }

  /**
   * Returns the backend names option {@code --backend} selects: {@code heap}, {@code rocksdb} or
   * {@code both} (heap, then RocksDB).
   *
   * @throws IllegalArgumentException for any other value
   */
  public static List<String> backends(Map<String, String> options, String otherwise) {
    String value = options.getOrDefault("backend", otherwise);
    return switch (value) {
      case "heap" -> List.of("heap");
      case "rocksdb" -> List.of("rocksdb");
      case "both" -> List.of("heap", "rocksdb");
      default -> throw new IllegalArgumentException("--backend must be heap, rocksdb or both, got " + value);
    };
  }

  /**
   * Builds a backend: {@code heap}, or {@code rocksdb} working in {@code directory}.
   *
   * @throws IllegalArgumentException for another kind
   */
  public static <K> KeyedStateBackend<K> backend(String kind, TypeSerializer<K> keys, Path directory) {
    return switch (kind) {
      case "heap" -> HeapStateBackend.builder(keys).build();
      case "rocksdb" -> RocksDbStateBackend.builder(keys).workingDirectory(directory.resolve("rocksdb")).build();
      default -> throw new IllegalArgumentException("backend must be heap or rocksdb, got " + kind);
    };
  }

  /** Creates a new temporary directory whose name starts with {@code cairn-<example>-}. */
  public static Path temporaryDirectory(String example) {
    try {
      return Files.createTempDirectory("cairn-" + example + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for " + example, e);
    }
  }

  /** Deletes {@code directory} and everything in it; a missing directory is fine. */
  public static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + directory, e);
    }
  }

  /**
   * A deterministic stream, computed from the position alone so that a restarted job replays exactly
   * the same events: the user of event {@code position}, one of {@code users} ({@code user-<n>}).
   */
  public static String user(long position, int users) {
    return "user-" + Math.floorMod(mix(position), users);
  }

  /** The amount of event {@code position}, 1 to 100; see {@link #user}. */
  public static long amount(long position) {
    return 1 + Math.floorMod(mix(position) >>> 20, 100);
  }

  /** SplitMix64's finalizer: spreads consecutive positions over all bits. */
  private static long mix(long position) {
    long z = position * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
