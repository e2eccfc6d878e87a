package dev.cairn.state;

/**
 * A piece of keyed state: every read and write applies to the backend's current key
 * ({@link KeyedStateBackend#setCurrentKey(Object)}).
 *
 * <p>State handles are obtained once from {@link KeyedStateBackend#getState(StateDescriptor)} and reused
 * for every key. Like the backend, they are not thread-safe: only the task thread may use them.
 */
public interface State {

  /**
   * Removes this state's value for the current key. Other keys and other states are untouched.
   *
   * @throws NoCurrentKeyException if no current key is set
   * @throws BackendClosedException if the backend was closed
   */
  void clear();
}
