package dev.cairn.state.spi;

import dev.cairn.state.KeyedStateBackend;

/**
 * The hook behind queryable state: a backend that can freeze its registered states into a {@link
 * BackendView} that other threads read while the task thread goes on. Every Cairn backend implements
 * it next to {@link KeyedStateBackend} (the TTL decorator too); applications use {@link
 * dev.cairn.state.query.StateViews}, which calls it at the task thread's safe points and hands the
 * views out to readers.
 *
 * @param <K> the key type
 */
public interface QueryableBackend<K> {

  /**
   * Freezes every registered state as it is now, on the task thread between two records, in time
   * independent of the number of entries (heap: a copy-on-write version, as for a snapshot; RocksDB:
   * pending writes written, then a native snapshot). Until {@link BackendView#release()}, the view
   * pins what it needs: the task thread copies structures the view shares before changing them
   * (heap), or RocksDB keeps the versions the view sees.
   *
   * @return the view, readable from any thread
   * @throws dev.cairn.state.WrongThreadException if another thread, still alive, owns the backend
   * @throws dev.cairn.state.BackendClosedException if the backend was closed
   */
  BackendView<K> view();

  /**
   * Returns the queryable hook of {@code backend}.
   *
   * @throws IllegalArgumentException if the backend does not implement this interface
   */
  @SuppressWarnings("unchecked")
  static <K> QueryableBackend<K> of(KeyedStateBackend<K> backend) {
    if (backend instanceof QueryableBackend<?> queryable) {
      return (QueryableBackend<K>) queryable;
    }
    throw new IllegalArgumentException(
        "backend " + backend.getClass().getName() + " has no queryable state: it does not implement "
            + QueryableBackend.class.getName());
  }
}
