package dev.cairn.state.spi;

import java.util.Iterator;
import java.util.Map;

/**
 * A backend's registered states frozen at one point in time ({@link QueryableBackend#view()}), for
 * backend authors: applications read through {@link dev.cairn.state.query.StateView}, which checks
 * descriptors, applies defaults and functions, and makes sure no read runs once {@link #release()}
 * has begun.
 *
 * <p>Every method may be called from any thread, concurrently, until {@link #release()}; none may be
 * called after it. Objects returned are the caller's: values of mutable types are copies, lists are
 * new. States are named as registered; each read names a state of {@link #states()} of the kind the
 * method needs (the caller checks). Iterators hold no resource between calls, so one dropped half-way
 * leaks nothing, and each call of {@code hasNext}/{@code next} is short.
 *
 * @param <K> the key type
 */
public interface BackendView<K> {

  /** Returns the registered states at the view's point in time, by name. */
  Map<String, StateMetaInfo> states();

  /**
   * Returns what {@code key} holds in a value, reducing or aggregating state (the value, the reduced
   * value or the accumulator), or in a list state (an unmodifiable, non-empty list), or null if it
   * holds nothing.
   *
   * @throws dev.cairn.state.KeyGroupOutOfRangeException if the key is outside the backend's key groups
   */
  Object get(String state, K key);

  /**
   * Returns the entry of {@code userKey} in the map of {@code key} (its value may be null), or null if
   * there is none.
   */
  Map.Entry<Object, Object> mapEntry(String state, K key, Object userKey);

  /** Returns the entries of the map of {@code key}, in no particular order; empty if there is none. */
  Iterator<Map.Entry<Object, Object>> mapEntries(String state, K key);

  /** Returns the keys with state in {@code state}, each once, in no particular order. */
  Iterator<K> keys(String state);

  /**
   * Returns the keys with state in {@code state} whose serialized bytes lie in {@code [from, to)}, in
   * the unsigned lexicographic order of those bytes (the key serializer's byte order).
   */
  Iterator<K> keys(String state, K from, K to);

  /**
   * Unpins what the view holds. Called once, when no read runs and none will; may be called from any
   * thread, also after the backend was closed (then it does nothing the backend's close did not).
   */
  void release();
}
