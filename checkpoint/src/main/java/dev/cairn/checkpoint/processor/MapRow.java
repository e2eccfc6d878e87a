package dev.cairn.checkpoint.processor;

/**
 * One entry of a map state, typed.
 *
 * @param key the key of the state
 * @param userKey the key within the key's map
 * @param value the value, which may be null (map state keeps null values)
 * @param <K> the key type
 * @param <UK> the map's key type
 * @param <V> the map's value type
 */
public record MapRow<K, UK, V>(K key, UK userKey, V value) {

  public MapRow {
    if (key == null || userKey == null) {
      throw new NullPointerException("a map row needs a key and a user key (key " + key + ", user key " + userKey + ")");
    }
  }
}
