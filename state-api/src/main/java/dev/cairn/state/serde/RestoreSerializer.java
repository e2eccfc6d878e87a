package dev.cairn.state.serde;

import java.util.function.Function;

/**
 * The restore serializer of a migration: reads old bytes with {@code read}, giving values of the
 * new serializer's type, and does everything else (writing, copying, hashing, its snapshot) as the
 * new serializer. Backends use only {@link #deserialize}; the rest keeps it a complete serializer.
 */
final class RestoreSerializer<T> implements TypeSerializer<T> {

  private final TypeSerializer<T> now;
  private final Function<DataInputBuffer, T> read;
  private final String description;

  /**
   * @param now the new serializer
   * @param read reads one old value, consuming exactly its bytes
   * @param description what it reads, for messages
   */
  RestoreSerializer(TypeSerializer<T> now, Function<DataInputBuffer, T> read, String description) {
    this.now = now;
    this.read = read;
    this.description = description;
  }

  @Override
  public T deserialize(DataInputBuffer in) {
    return read.apply(in);
  }

  @Override
  public void serialize(T value, DataOutputBuffer out) {
    now.serialize(value, out);
  }

  @Override
  public boolean isImmutable() {
    return now.isImmutable();
  }

  @Override
  public T copy(T value) {
    return now.copy(value);
  }

  @Override
  public int stableHash(T value) {
    return now.stableHash(value);
  }

  @Override
  public TypeSerializerSnapshot<T> snapshot() {
    return now.snapshot();
  }

  @Override
  public String toString() {
    return "restore(" + description + " -> " + now + ")";
  }
}
