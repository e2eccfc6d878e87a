package dev.cairn.state;

import java.util.List;

/**
 * A list of elements per key. Null elements are never stored.
 *
 * @param <T> the element type
 */
public interface ListState<T> extends State {

  /**
   * Returns the current key's elements in insertion order.
   *
   * @return the elements; an empty iterable (never null) when the key has none. The iterable is
   *     read-only and does not change: later writes do not show through it
   * @throws NoCurrentKeyException if no current key is set
   */
  Iterable<T> get();

  /**
   * Appends one element.
   *
   * @param value the element
   * @throws NullPointerException if {@code value} is null (naming the state); nothing changes
   */
  void add(T value);

  /**
   * Appends all elements in order. An empty list is a no-op. The list is validated first: if it holds
   * a null element a {@link NullPointerException} naming the state is thrown and nothing is appended.
   *
   * @param values the elements, not null
   */
  void addAll(List<T> values);

  /**
   * Replaces the current key's elements. An empty list clears the state. Validated first like {@link
   * #addAll(List)}: a null element throws and nothing changes.
   *
   * @param values the new elements, not null
   */
  void update(List<T> values);
}
