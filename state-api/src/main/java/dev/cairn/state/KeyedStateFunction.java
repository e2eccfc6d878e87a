package dev.cairn.state;

/**
 * A function applied to one state for every key that has it; see {@link
 * KeyedStateBackend#applyToAllKeys(StateDescriptor, KeyedStateFunction)}.
 *
 * @param <K> the key type
 * @param <S> the state type
 */
@FunctionalInterface
public interface KeyedStateFunction<K, S extends State> {

  /** Called with the current key set to {@code key}; may read, update or clear {@code state}. */
  void process(K key, S state);
}
