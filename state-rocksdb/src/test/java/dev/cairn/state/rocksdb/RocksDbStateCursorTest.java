package dev.cairn.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ValueState;
import dev.cairn.state.kit.StateCursorContract;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.ScannableBackend;
import dev.cairn.state.spi.StateCursor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The cursor contract on RocksDB with the write-back cache on (the default) and off, and what is
 * particular to RocksDB: batches read ahead, and keys that exist only in the cache.
 */
class RocksDbStateCursorTest implements StateCursorContract {

  private static final TestDirectories DIRECTORIES = new TestDirectories("cairn-rocksdb-cursor-");

  @AfterAll
  static void release() {
    DIRECTORIES.close();
  }

  @Override
  public KeyedStateBackend<Long> createCursorBackend() {
    return RocksDbStateBackend.builder(Serializers.LONG)
        .workingDirectory(DIRECTORIES.next())
        .memoryBudget(64L << 20)
        .build();
  }

  @Nested
  class WithoutWriteBackCache implements StateCursorContract {
    @Override
    public KeyedStateBackend<Long> createCursorBackend() {
      return RocksDbStateBackend.builder(Serializers.LONG)
          .workingDirectory(DIRECTORIES.next())
          .memoryBudget(64L << 20)
          .writeBackCache(0)
          .build();
    }
  }

  @Test
  void keysOnlyInTheWriteBackCache_areVisited_whenARoundStarts() {
    try (KeyedStateBackend<Long> backend = createCursorBackend()) {
      StateCursorContract.fill(backend, 0, 10); // dirty entries of the cache, not in RocksDB yet
      StateCursor<Long> cursor = ScannableBackend.cursor(backend, VALUE.name());

      assertThat(StateCursorContract.round(cursor, 4, ALL)).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }
  }

  @Test
  void batchesReadAhead_resumeAfterTheLastKeyRead_acrossRemovalsAndInsertions() {
    try (KeyedStateBackend<Long> backend = createCursorBackend()) {
      StateCursorContract.fill(backend, 0, 10 * RocksDbCursor.BATCH);
      ValueState<Long> value = backend.getState(VALUE);
      StateCursor<Long> cursor = ScannableBackend.cursor(backend, VALUE.name());
      List<Long> first = new ArrayList<>();
      assertThat(cursor.advance(RocksDbCursor.BATCH + 1, ALL, first::add)).isEqualTo(RocksDbCursor.BATCH + 1);

      // remove the key the next batch would start after, and every key of the batch after it
      for (long key : List.of(first.get(RocksDbCursor.BATCH - 1), first.get(RocksDbCursor.BATCH))) {
        backend.setCurrentKey(key);
        value.clear();
      }
      List<Long> rest = new ArrayList<>(first);
      while (cursor.advance(7, ALL, rest::add) == 7) {
        // the rest of the round: more batches, each from a new iterator
      }

      Set<Long> distinct = new HashSet<>(rest);
      assertThat(distinct).hasSize(10 * RocksDbCursor.BATCH);
      assertThat(rest).doesNotHaveDuplicates();
    }
  }
}
