package dev.cairn.state.rocksdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Working directories for tests that open many backends: under {@code /dev/shm} when it exists
 * (RocksDB syncs its manifest and options files on every open and state registration, which costs
 * tens of milliseconds on a real disk and nothing on tmpfs), else under the default temp directory.
 */
final class TestDirectories implements AutoCloseable {

  private static final Path SHM = Path.of("/dev/shm");

  private final Path root;
  private final AtomicInteger next = new AtomicInteger();

  TestDirectories(String prefix) {
    try {
      root = Files.isDirectory(SHM) && Files.isWritable(SHM)
          ? Files.createTempDirectory(SHM, prefix)
          : Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns a new, not yet existing directory for one backend. */
  Path next() {
    return root.resolve("backend-" + next.incrementAndGet());
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
