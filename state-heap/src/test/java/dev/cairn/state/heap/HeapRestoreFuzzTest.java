package dev.cairn.state.heap;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.kit.HostileBytes;
import dev.cairn.state.kit.RestoreFuzz;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.SnapshotMode;
import java.io.IOException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Damaged canonical and incremental snapshots restored into heap backends, in the fuzz execution's small heap. */
@Tag("fuzz")
class HeapRestoreFuzzTest {

  private static final Supplier<KeyedStateBackend<Long>> BACKENDS =
      () -> HeapStateBackend.builder(Serializers.LONG).maxParallelism(16).build();

  @Test
  void restore_damagedCanonicalSnapshot_restoresOrThrowsAStateException() throws IOException {
    RestoreFuzz.fuzz("heap canonical", BACKENDS, SnapshotMode.CANONICAL, HostileBytes.ROUNDS, 11);
  }

  @Test
  void restore_damagedIncrementalSnapshot_restoresOrThrowsAStateException() throws IOException {
    RestoreFuzz.fuzz("heap incremental", BACKENDS, SnapshotMode.INCREMENTAL, HostileBytes.ROUNDS / 4, 12);
  }
}
