package dev.cairn.state;

/**
 * A value per key that new values are folded into with a {@link ReduceFunction}.
 *
 * @param <T> the value type
 */
public interface ReducingState<T> extends State {

  /** Returns the reduced value, or null when nothing was added for the current key. */
  T get();

  /**
   * Folds {@code value} into the state. The first value after the state is empty is stored as is,
   * without calling the function.
   *
   * @throws NullPointerException if {@code value} is null (naming the state); the state is unchanged
   */
  void add(T value);
}
