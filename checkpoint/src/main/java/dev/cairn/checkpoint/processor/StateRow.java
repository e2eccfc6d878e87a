package dev.cairn.checkpoint.processor;

/**
 * One entry of a state read without the application's serializers ({@link SavepointReader#rows}):
 * values are generic (see {@link dev.cairn.state.serde.RestoredSerializers#generic}), and data no
 * generic reader understands is an {@link Undecoded}.
 *
 * @param key the key
 * @param userKey the map key for map state, otherwise null
 * @param value the value: the whole list ({@code List}) for list state; null for a map key mapped to
 *     null
 */
public record StateRow(Object key, Object userKey, Object value) {

  /**
   * Bytes whose format needs the application's classes (Kryo, or a serializer this build does not
   * know): pass the serializer to the typed read methods to decode them.
   *
   * @param serializer the stored serializer snapshot, as text
   * @param bytes the bytes
   */
  public record Undecoded(String serializer, byte[] bytes) {}
}
