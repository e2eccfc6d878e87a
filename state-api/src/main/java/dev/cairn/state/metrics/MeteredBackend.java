package dev.cairn.state.metrics;

import dev.cairn.state.KeyedStateBackend;

/**
 * A keyed backend whose figures any thread may read. Every Cairn backend implements it next to
 * {@link KeyedStateBackend} (the TTL decorator passes it through); {@link #of(KeyedStateBackend)}
 * reaches it from a backend.
 */
public interface MeteredBackend {

  /**
   * Returns the backend's figures now. Safe from any thread, concurrently with the task thread: the
   * heap reads sizes the task thread keeps anyway, RocksDB reads native properties (thread-safe in
   * RocksDB). It never blocks the task thread and costs it nothing.
   *
   * @return the figures; after {@code close()}, figures with no states
   */
  BackendMetrics metrics();

  /**
   * Returns the metered view of {@code backend}.
   *
   * @throws IllegalArgumentException if the backend does not implement this interface
   */
  static MeteredBackend of(KeyedStateBackend<?> backend) {
    if (backend instanceof MeteredBackend metered) {
      return metered;
    }
    throw new IllegalArgumentException(
        "backend " + backend.getClass().getName() + " has no metrics: it does not implement "
            + MeteredBackend.class.getName());
  }
}
