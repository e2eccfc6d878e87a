package dev.cairn.state;

/**
 * Adds inputs to an accumulator and turns it into a result; used by {@link AggregatingState}. The
 * accumulator passed to {@link #add} is a copy of the stored one (for mutable types), so it may be
 * modified in place and returned.
 *
 * @param <IN> the input type
 * @param <ACC> the accumulator type, stored in state with the descriptor's serializer
 * @param <OUT> the result type
 */
public interface AggregateFunction<IN, ACC, OUT> {

  /** Returns a new, empty accumulator. */
  ACC createAccumulator();

  /** Returns the accumulator after adding {@code value}. */
  ACC add(IN value, ACC accumulator);

  /** Returns the result for {@code accumulator}. */
  OUT getResult(ACC accumulator);
}
