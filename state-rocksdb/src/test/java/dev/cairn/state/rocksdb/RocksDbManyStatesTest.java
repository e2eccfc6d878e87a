package dev.cairn.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A thousand states in one backend register, snapshot and restore in seconds, on a real disk. */
class RocksDbManyStatesTest {

  private static final int STATES = 1_000;
  private static final long BOUND_NANOS = 60_000_000_000L;

  @TempDir Path temp;

  @ParameterizedTest
  @EnumSource(value = SnapshotMode.class, names = {"CANONICAL", "INCREMENTAL"})
  void thousandStates_registerSnapshotRestore_inSeconds(SnapshotMode mode) throws IOException {
    long start = System.nanoTime();
    MemorySnapshotStore store = new MemorySnapshotStore();
    try (KeyedStateBackend<Long> backend = backend(temp.resolve("a"))) {
      List<ValueState<Long>> states = new ArrayList<>(STATES);
      for (int i = 0; i < STATES; i++) {
        states.add(backend.getState(descriptor(i)));
      }
      for (int i = 0; i < STATES; i++) {
        backend.setCurrentKey((long) i);
        states.get(i).update((long) i);
      }
      try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1, mode)) {
        snapshot.writeTo(store);
      }
    }
    SnapshotInput input = mode == SnapshotMode.INCREMENTAL
        ? store.input(NativeSnapshotMeta.FORMAT, false) : store.input();
    try (KeyedStateBackend<Long> restored = backend(temp.resolve("b"))) {
      Snapshotable.of(restored).restore(List.of(input));
      for (int i = 0; i < STATES; i++) {
        ValueState<Long> state = restored.getState(descriptor(i));
        restored.setCurrentKey((long) i);
        assertThat(state.value()).isEqualTo(i);
      }
    }
    long elapsed = System.nanoTime() - start;
    System.out.printf("%d states, %s: %d ms%n", STATES, mode, elapsed / 1_000_000);
    assertThat(elapsed).as("nanoseconds for %d states", STATES).isLessThan(BOUND_NANOS);
  }

  private static KeyedStateBackend<Long> backend(Path directory) {
    return RocksDbStateBackend.builder(Serializers.LONG).workingDirectory(directory).memoryBudget(64L << 20).build();
  }

  private static ValueStateDescriptor<Long> descriptor(int i) {
    return StateDescriptors.value("state-" + i, Serializers.LONG, 0L);
  }
}
