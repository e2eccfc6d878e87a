package dev.cairn.state;

import java.util.Iterator;
import java.util.Map;

/**
 * A map per key. User keys must not be null; values may be null (a key mapped to null is present).
 *
 * <p>A key whose map becomes empty has no state: {@link KeyedStateBackend#keys(String)} does not list
 * it and {@link #isEmpty()} is true. Iteration order is unspecified. Do not modify this state while
 * iterating it, except through {@link Iterator#remove()} of its own iterators. Entries returned by
 * iteration are snapshots: {@link Map.Entry#setValue(Object)} is not supported, use {@link #put}.
 *
 * @param <K> the user key type
 * @param <V> the user value type
 */
public interface MapState<K, V> extends State {

  /**
   * Returns the value mapped to {@code key}, or null when the key is absent or mapped to null (use
   * {@link #contains(Object)} to tell them apart).
   */
  V get(K key);

  /** Maps {@code key} to {@code value}; {@code value} may be null, {@code key} may not. */
  void put(K key, V value);

  /** Puts every entry; an empty map is a no-op. Null keys are rejected before anything is written. */
  void putAll(Map<K, V> map);

  /** Removes {@code key}; removing an absent key is a no-op. */
  void remove(K key);

  /** Returns whether {@code key} is present, also when it is mapped to null. */
  boolean contains(K key);

  /** Returns the entries of the current key's map. */
  Iterable<Map.Entry<K, V>> entries();

  /** Returns the user keys of the current key's map. */
  Iterable<K> keys();

  /** Returns the values of the current key's map (nulls included). */
  Iterable<V> values();

  /**
   * Returns an iterator over the entries; its {@code remove()} removes the last returned entry from
   * the state.
   */
  Iterator<Map.Entry<K, V>> iterator();

  /** Returns true when the current key's map has no entry. */
  boolean isEmpty();
}
