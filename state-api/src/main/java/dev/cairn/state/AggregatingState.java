package dev.cairn.state;

/**
 * An accumulator per key that inputs are added to with an {@link AggregateFunction}; reads return the
 * function's result.
 *
 * @param <IN> the input type
 * @param <OUT> the result type
 */
public interface AggregatingState<IN, OUT> extends State {

  /** Returns the result of the current key's accumulator, or null when nothing was added. */
  OUT get();

  /**
   * Adds {@code value} to the accumulator; the first add starts from {@link
   * AggregateFunction#createAccumulator()}.
   *
   * @throws NullPointerException if {@code value} is null (naming the state); the state is unchanged
   */
  void add(IN value);
}
