package dev.cairn.state.spi;

import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A resumable walk over the stored entries of one registered state, a few entries per call, on the
 * task thread between operations: what TTL's incremental cleanup uses to visit every key in rounds
 * without copying the state's keys. Obtained from {@link ScannableBackend#cursor(
 * dev.cairn.state.KeyedStateBackend, String)}.
 *
 * <p>An <em>entry</em> is a key of a value, list, reducing or aggregating state, or one user key of a
 * key's map in a map state. The cursor visits entries in an order of the backend's choosing, each
 * once per round; after the last, the next call starts a new round at the first. The state may change
 * freely between calls and a cursor never fails because of a change: an entry stored throughout a
 * round is visited in it (a map state's entry may be missed or repeated if its key's map changes
 * while the cursor is inside that map), entries added during a round are visited by the next one at
 * the latest, and entries removed during a round may still be visited in it (a backend may read
 * ahead).
 * Nothing is held open between calls.
 *
 * @param <K> the key type
 */
public interface StateCursor<K> {

  /**
   * Visits up to {@code maxEntries} entries following the last one visited. For each, {@code select}
   * is called with its stored value (value, reducing and aggregating state: the value or
   * accumulator; list state: each element; map state: the map value, possibly null), and the key of
   * every entry with a selected value is passed to {@code selected}, once per run of consecutive
   * entries of the same key (so once a key's value is selected, its remaining values may be
   * skipped). {@code select} is a filter a backend may skip: a backend that cannot read stored
   * values cheaply passes every visited key, so callers re-check each key they are given.
   * {@code select} sees each entry during the call that visits it (so a filter that depends on the
   * time judges each entry at its visit). Both functions are called during this call and must not
   * change the state (collect the keys and act on them after it returns).
   *
   * @param maxEntries at least 1
   * @return the number of entries visited: less than {@code maxEntries} only when the round ended
   *     (the next call starts a new one), 0 if the round ended before any entry
   * @throws IllegalArgumentException if {@code maxEntries} is less than 1
   */
  int advance(int maxEntries, Predicate<Object> select, Consumer<? super K> selected);

  /**
   * Checks {@link #advance}'s {@code maxEntries} for implementations: one rule and one message.
   *
   * @throws IllegalArgumentException if {@code maxEntries} is less than 1
   */
  static void checkMaxEntries(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("max entries must be at least 1, got " + maxEntries);
    }
  }
}
