package dev.cairn.state.serde;

/**
 * Converts one stored value of a state's earlier type into its new type, for changes no serializer
 * rule expresses: a change of units, a field split in two, a type replaced by another. Registered
 * with the state's serializer through {@link Serializers#migrating}, so that it travels with the
 * descriptor; the backends run it on every stored value (list element, map value) when the state is
 * registered after a restore, on the heap and in RocksDB, bare and under TTL, and never again once
 * the migrated state has been checkpointed.
 *
 * <pre>{@code
 * // version 1 stored temperatures in tenths of a degree Fahrenheit as a long; version 2 in Celsius
 * TypeSerializer<Double> celsius = Serializers.migrating(
 *     "fahrenheit-tenths-to-celsius", Serializers.LONG, Serializers.DOUBLE, f -> (f / 10.0 - 32) / 1.8);
 * ValueState<Double> temperature = backend.getState(StateDescriptors.value("temperature", celsius));
 * }</pre>
 *
 * <p>A migrator must be a pure function of its argument: a restore that fails or crashes halfway
 * runs it again from the unchanged checkpoint. If it throws, the restore of that state fails with a
 * {@link dev.cairn.state.SerializationException} naming the state, the key and the migrator, and
 * nothing is changed; the state can still be registered with its old serializer.
 *
 * @param <O> the old type, as its old serializer reads it
 * @param <N> the new type
 */
@FunctionalInterface
public interface StateMigrator<O, N> {

  /**
   * Returns the new value for the stored value {@code old}; never null.
   *
   * @param old a stored value as the old serializer reads it, never null
   */
  N migrate(O old);
}
