package dev.cairn.state.serde;

/**
 * Turns values of one type into bytes and back, copies them, and hashes them stably.
 *
 * <p>Serializers must be thread-safe: the asynchronous part of a snapshot uses them on a background
 * thread while the task thread keeps using them. They never see null: backends encode absence
 * themselves.
 *
 * @param <T> the type serialized
 */
public interface TypeSerializer<T> {

  /**
   * Appends the bytes of {@code value} to {@code out}.
   *
   * @throws dev.cairn.state.SerializationException if the value cannot be serialized
   */
  void serialize(T value, DataOutputBuffer out);

  /**
   * Reads one value from {@code in}, consuming exactly the bytes {@link #serialize} wrote.
   *
   * @throws dev.cairn.state.SerializationException if the bytes are truncated or corrupt
   */
  T deserialize(DataInputBuffer in);

  /**
   * Returns whether values of this type can never change after construction. Backends skip copies
   * of immutable values.
   */
  boolean isImmutable();

  /**
   * Returns a deep copy of {@code value}, or {@code value} itself when {@link #isImmutable()}.
   */
  T copy(T value);

  /**
   * Returns a hash of {@code value} that is the same in every JVM run and on every machine, for key
   * group assignment. Built-in serializers use the hash codes the JDK specifies ({@code String},
   * boxed primitives, {@code Arrays.hashCode}) and combine components by a fixed rule; never an
   * identity hash.
   */
  int stableHash(T value);

  /**
   * Returns the snapshot of this serializer's configuration, stored in checkpoints next to the data
   * it wrote so that a later serializer can decide whether it can read that data.
   */
  TypeSerializerSnapshot<T> snapshot();
}
