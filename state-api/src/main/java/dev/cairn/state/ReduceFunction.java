package dev.cairn.state;

/**
 * Combines two values into one; used by {@link ReducingState}. It receives copies of stored values
 * (for mutable types), so it may return or modify either argument.
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface ReduceFunction<T> {

  /** Returns the combination of the stored value {@code accumulated} and the new {@code value}. */
  T reduce(T accumulated, T value);
}
