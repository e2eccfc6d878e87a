package dev.cairn.state.spi;

import dev.cairn.state.KeyedStateBackend;
import java.util.stream.Stream;

/**
 * The hook behind cheap incremental work over a state's entries (TTL's background cleanup): a
 * backend that walks its stored entries a few at a time with a {@link StateCursor}, from where the
 * last call stopped, reading stored values as it goes. Heap and RocksDB implement it; for any other
 * backend {@link #cursor(KeyedStateBackend, String)} falls back to rounds over a copy of {@code
 * keys(state)}, passing every key on (one entry per key).
 *
 * @param <K> the key type
 */
public interface ScannableBackend<K> {

  /**
   * Opens a cursor over a registered state's entries, positioned before the first. A cursor holds
   * no resource: drop it when done.
   *
   * @throws IllegalArgumentException if no state of that name is registered
   */
  StateCursor<K> cursor(String stateName);

  /**
   * Returns {@code backend}'s own cursor over a state if it implements this interface, and otherwise
   * one that walks rounds over a copy of {@code backend.keys(stateName)} (taken when a round starts)
   * and passes on every key it visits without reading its state.
   *
   * @throws IllegalArgumentException if no state of that name is registered
   */
  @SuppressWarnings("unchecked")
  static <K> StateCursor<K> cursor(KeyedStateBackend<K> backend, String stateName) {
    if (backend instanceof ScannableBackend<?> scannable) {
      return ((ScannableBackend<K>) scannable).cursor(stateName);
    }
    try (Stream<K> check = backend.keys(stateName)) { // fails now for an unknown state, as the hook does
      return new KeyCopyCursor<>(backend, stateName);
    }
  }
}
