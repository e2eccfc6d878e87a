package dev.cairn.state.kit;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Fuzzes a backend's restore path: takes a snapshot of every state kind, then restores mutants of
 * each of its streams into fresh backends and reads every state back. Each restore and read must end
 * in a result or a {@code StateException} ({@link HostileBytes#check}).
 */
public final class RestoreFuzz {

  private static final int KEYS = 12;

  private RestoreFuzz() {}

  /**
   * Runs {@code rounds} mutants per stream of a {@code mode} snapshot of a backend from {@code
   * backends}; each mutant is restored into another backend from {@code backends}, closed after.
   */
  public static void fuzz(String what, Supplier<KeyedStateBackend<Long>> backends, SnapshotMode mode, int rounds, long seed)
      throws IOException {
    MemorySnapshotStore store = new MemorySnapshotStore(what);
    SnapshotResult result;
    try (KeyedStateBackend<Long> backend = backends.get()) {
      new AllKinds(backend).fill(0, KEYS);
      try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1, mode)) {
        result = snapshot.writeTo(store);
      }
    }
    Random random = new Random(seed);
    for (String stream : store.streamNames()) {
      byte[] valid = store.bytes(stream);
      for (int round = 0; round < rounds; round++) {
        MemorySnapshotStore damaged = new MemorySnapshotStore(what);
        for (String name : store.streamNames()) {
          damaged.put(name, store.bytes(name));
        }
        byte[] mutant = HostileBytes.mutate(valid, random);
        HostileBytes.check(what + " restoring a damaged " + stream, mutant, seed, bytes -> {
          damaged.put(stream, bytes);
          restoreAndReadAll(backends, damaged, result.format());
        });
      }
    }
  }

  private static void restoreAndReadAll(Supplier<KeyedStateBackend<Long>> backends, MemorySnapshotStore store, String format) {
    try (KeyedStateBackend<Long> backend = backends.get()) {
      Snapshotable.of(backend).restore(List.of(store.input(format, false)));
      AllKinds kinds = new AllKinds(backend);
      for (long key = 0; key < KEYS; key++) {
        backend.setCurrentKey(key);
        kinds.value.value();
        kinds.list.get().forEach(e -> {});
        kinds.map.entries().forEach(e -> {});
        kinds.reducing.get();
        kinds.aggregating.get();
      }
      for (var descriptor : AllKinds.ALL) {
        backend.keys(descriptor.name()).forEach(k -> {});
      }
    }
  }
}
