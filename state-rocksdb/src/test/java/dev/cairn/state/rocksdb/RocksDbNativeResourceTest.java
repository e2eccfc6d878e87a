package dev.cairn.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.MapState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Opening and closing many backends leaks no file descriptors and no native memory. */
class RocksDbNativeResourceTest {

  private static final int ROUNDS = 1_000;
  private static final int WARM_UP = 50;

  @Test
  void openUseClose_thousandBackends_noGrowthOfFileDescriptorsOrNativeMemory() throws IOException {
    try (RocksDbMemory memory = RocksDbMemory.create(16L << 20);
        TestDirectories directories = new TestDirectories("cairn-rocksdb-resources-")) {
      for (int i = 0; i < WARM_UP; i++) {
        useOnce(memory, directories.next());
      }
      System.gc();
      long fdsBefore = openFileDescriptors();
      long rssBefore = residentSetKiB();

      for (int i = 0; i < ROUNDS; i++) {
        useOnce(memory, directories.next());
      }
      System.gc();
      long fdsAfter = openFileDescriptors();
      long rssAfter = residentSetKiB();

      assertThat(fdsAfter - fdsBefore).as("open file descriptors growth").isLessThanOrEqualTo(5);
      // a leak of a RocksDB instance, its options or memtables is at least hundreds of KiB per round
      assertThat(rssAfter - rssBefore).as("resident set growth in KiB").isLessThan(100 * 1024);
      assertThat(memory.usageBytes()).as("nothing left charged to the shared cache").isLessThan(1L << 20);
    }
  }

  /**
   * Opens a backend, uses the native paths (a column family, point reads and writes, a bounded map
   * iterator, a written snapshot, an unwritten one and a leaked keys stream), closes it. One state
   * only: each column family costs RocksDB a manifest and options-file write.
   */
  private static void useOnce(RocksDbMemory memory, Path directory) throws IOException {
    KeyedStateBackend<Long> backend =
        RocksDbStateBackend.builder(Serializers.LONG).memory(memory).workingDirectory(directory).build();
    MapState<Long, String> map = backend.getState(StateDescriptors.map("m", Serializers.LONG, Serializers.STRING));
    for (long key = 0; key < 20; key++) {
      backend.setCurrentKey(key);
      map.put(key, "v" + key);
      assertThat(map.get(key)).isEqualTo("v" + key);
      map.iterator().next();
    }
    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1)) {
      snapshot.writeTo(new MemorySnapshotStore());
    }
    StateSnapshot unwritten = Snapshotable.of(backend).snapshot(2); // released by close
    Stream<Long> unclosed = backend.keys("m"); // closed by close
    unclosed.iterator().next();
    backend.close();
    unwritten.close();
  }

  private static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static long residentSetKiB() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
    for (String line : lines) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
