package dev.cairn.state.rocksdb;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.kit.HostileBytes;
import dev.cairn.state.kit.RestoreFuzz;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.SnapshotMode;
import java.io.IOException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Damaged canonical snapshots restored into RocksDB backends, in the fuzz execution's small heap. */
@Tag("fuzz")
class RocksDbRestoreFuzzTest {

  private static final RocksDbMemory MEMORY = RocksDbMemory.create(32L << 20);
  private static final TestDirectories DIRECTORIES = new TestDirectories("cairn-rocksdb-fuzz-");
  private static final Supplier<KeyedStateBackend<Long>> BACKENDS = () -> RocksDbStateBackend.builder(Serializers.LONG)
      .maxParallelism(16)
      .workingDirectory(DIRECTORIES.next())
      .memory(MEMORY)
      .build();

  @AfterAll
  static void release() {
    MEMORY.close();
    DIRECTORIES.close();
  }

  @Test
  void restore_damagedCanonicalSnapshot_restoresOrThrowsAStateException() throws IOException {
    RestoreFuzz.fuzz("rocksdb canonical", BACKENDS, SnapshotMode.CANONICAL, HostileBytes.ROUNDS / 4, 21);
  }
}
