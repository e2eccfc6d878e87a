package dev.cairn.benchmarks;

import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds backend adapters by name. Each benchmark jar registers its own {@link Factory} (Cairn's
 * backends in {@code benchmarks.jar}, Flink's in {@code flink-baselines.jar}) as a service.
 */
public final class BackendAdapters {

  /** The memory budget of every RocksDB backend (cache + write buffers), the same for Cairn, Flink and raw RocksDB. */
  public static final long ROCKSDB_MEMORY_BUDGET = Long.getLong("cairn.bench.rocksdbBudget", 512L << 20);

  /** The number of key groups of every backend. */
  public static final int MAX_PARALLELISM = 128;

  private BackendAdapters() {}

  /** Creates backend adapters of some names. */
  public interface Factory {

    /** Returns a new adapter, or null if {@code name} is not one of this factory's. */
    BackendAdapter open(String name) throws Exception;

    /** Returns the names this factory knows. */
    Iterable<String> names();
  }

  /**
   * Opens a new, empty backend.
   *
   * @throws IllegalArgumentException if no factory on the class path knows {@code name}
   */
  public static BackendAdapter open(String name) throws Exception {
    TreeSet<String> known = new TreeSet<>();
    for (Factory factory : ServiceLoader.load(Factory.class)) {
      BackendAdapter adapter = factory.open(name);
      if (adapter != null) {
        return adapter;
      }
      factory.names().forEach(known::add);
    }
    throw new IllegalArgumentException("unknown backend '" + name + "' in this jar; known: " + known);
  }
}
