package dev.cairn.checkpoint.processor;

/**
 * One key's entry of a value, list, reducing or aggregating state, typed: the value, the whole list,
 * the reduced value or the accumulator.
 *
 * @param key the key
 * @param value the value; never null
 * @param <K> the key type
 * @param <V> the value type ({@code List<E>} for list state)
 */
public record KeyedRow<K, V>(K key, V value) {

  public KeyedRow {
    if (key == null || value == null) {
      throw new NullPointerException("a keyed row needs a key and a value (key " + key + ", value " + value + ")");
    }
  }
}
