package dev.cairn.state;

/**
 * A single value per key.
 *
 * @param <T> the value type
 */
public interface ValueState<T> extends State {

  /**
   * Returns the current key's value.
   *
   * @return the value, or the descriptor's default value (null unless one was given) when unset; a
   *     value of a mutable type is a copy, so changing it never changes the stored state
   * @throws NoCurrentKeyException if no current key is set
   */
  T value();

  /**
   * Sets the current key's value; {@code null} clears it, exactly like {@link #clear()}.
   *
   * @param value the new value; a value of a mutable type is copied, so changing it afterwards never
   *     changes the stored state
   * @throws NoCurrentKeyException if no current key is set
   */
  void update(T value);
}
