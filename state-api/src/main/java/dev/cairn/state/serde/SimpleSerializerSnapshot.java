package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;

/**
 * The snapshot of a serializer with no configuration: its identity is its id. Two serializers with
 * the same id are compatible as is.
 *
 * @param id the serializer family's identifier
 * @param <T> the serialized type
 */
public record SimpleSerializerSnapshot<T>(String id) implements TypeSerializerSnapshot<T> {

  /** Returns a reader for snapshots of {@code id} (version 1, empty payload). */
  public static SerializerSnapshots.Reader reader(String id) {
    SimpleSerializerSnapshot<?> instance = new SimpleSerializerSnapshot<>(id);
    return (version, in) -> {
      if (version != 1) {
        throw new SerializationException("unknown version " + version + " of serializer snapshot '" + id + "'");
      }
      return instance;
    };
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public void write(DataOutputBuffer out) {}

  /** Returns the id, as error messages show it. */
  @Override
  public String toString() {
    return id;
  }
}
