package dev.cairn.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.serde.Serializers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Env;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileManager;

/**
 * A working directory that runs out of space: a background flush fails, and RocksDB refuses every
 * write until a retried flush succeeds. An {@link SstFileManager} with a space limit makes RocksDB
 * fail that way without root or a small file system (a full 8 MiB tmpfs behaved the same in a probe:
 * {@code IOError(NoSpace)}, writes back about 5 s after space was freed, nothing lost).
 */
class RocksDbNoSpaceTest {

  private static final int MAX_KEYS = 200_000;
  private static final long RECOVERY_TIMEOUT_NANOS = 60_000_000_000L;
  private static final String PADDING = "x".repeat(1_000);

  @TempDir Path directory;

  @Test
  void outOfSpace_failsWithNoSpaceException_thenWritesAgainWhenSpaceReturns_losingNothingAcknowledged()
      throws RocksDBException, InterruptedException {
    try (SstFileManager files = new SstFileManager(Env.getDefault());
        KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG)
            .workingDirectory(directory)
            .memoryBudget(16L << 20)
            .writeBackCache(0) // RocksDB's own write path: every write reaches it at once
            .options((db, columnFamily) -> db.setSstFileManager(files))
            .build()) {
      files.setMaxAllowedSpaceUsage(1L << 20);
      ValueState<String> state = backend.getState(StateDescriptors.value("v", Serializers.STRING));
      long acknowledged = 0;
      RocksDbNoSpaceException failure = null;
      while (failure == null && acknowledged < MAX_KEYS) {
        backend.setCurrentKey(acknowledged);
        try {
          state.update(value(acknowledged));
          acknowledged++;
        } catch (RocksDbNoSpaceException e) {
          failure = e;
        }
      }
      assertThat(failure).as("a write fails once the limit is reached").isNotNull();
      assertThat(failure.getMessage()).contains(directory.toString()).contains("Free space there");
      assertThat(failure.workingDirectory()).isEqualTo(directory.toString());
      assertThat(failure.statusCode()).startsWith("IOError");

      backend.setCurrentKey(acknowledged);
      assertThatThrownBy(() -> state.update("still full")).isInstanceOf(RocksDbNoSpaceException.class);

      files.setMaxAllowedSpaceUsage(0); // unlimited: space is back
      long deadline = System.nanoTime() + RECOVERY_TIMEOUT_NANOS;
      while (!writes(backend, state, acknowledged)) {
        assertThat(System.nanoTime()).as("writes again within 60 s of space returning").isLessThan(deadline);
        Thread.sleep(100);
      }
      for (long key = acknowledged; key < acknowledged + 1_000; key++) {
        backend.setCurrentKey(key);
        state.update(value(key));
      }
      for (long key = 0; key < acknowledged + 1_000; key++) {
        backend.setCurrentKey(key);
        assertThat(state.value()).as("key %d", key).isEqualTo(value(key));
      }
    }
  }

  /** Writes {@code key}'s value and returns true, or false while out of space. */
  private static boolean writes(KeyedStateBackend<Long> backend, ValueState<String> state, long key) {
    backend.setCurrentKey(key);
    try {
      state.update(value(key));
      return true;
    } catch (RocksDbNoSpaceException stillFull) {
      return false;
    }
  }

  private static String value(long key) {
    return key + PADDING;
  }
}
