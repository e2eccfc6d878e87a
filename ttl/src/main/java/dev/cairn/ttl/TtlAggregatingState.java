package dev.cairn.ttl;

import dev.cairn.state.AggregateFunction;
import dev.cairn.state.AggregatingState;
import dev.cairn.state.AggregatingStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.serde.TypeSerializer;

/**
 * An {@link AggregatingState} with TTL, on an aggregating state whose accumulator is an envelope and
 * whose result is that envelope (so expiry can be checked before the user's result is computed).
 * The wrapped function starts from a new accumulator when the stored one has expired, and accepts a
 * {@link Replace} input to put back a refreshed accumulator (refresh on read).
 */
final class TtlAggregatingState<K, IN, ACC, OUT> extends TtlSingleEnvelopeState<K> implements AggregatingState<IN, OUT> {

  /** The input that replaces the accumulator; never a user input (the type is private to this package). */
  private record Replace<ACC>(TtlValue<ACC> accumulator) {}

  private final AggregatingState<Object, TtlValue<ACC>> inner;
  private final AggregateFunction<IN, ACC, OUT> function;
  private final EnvelopeFunction<IN, ACC> envelopeFunction;
  private final TypeSerializer<ACC> serializer;

  TtlAggregatingState(TtlBackend<K> backend, AggregatingStateDescriptor<IN, ACC, OUT> descriptor, TtlConfig config) {
    this(backend, descriptor, config, new EnvelopeFunction<>(descriptor.aggregateFunction(), config));
  }

  private TtlAggregatingState(
      TtlBackend<K> backend, AggregatingStateDescriptor<IN, ACC, OUT> descriptor, TtlConfig config,
      EnvelopeFunction<IN, ACC> envelopeFunction) {
    this(backend, descriptor, config, envelopeFunction, StateDescriptors.aggregating(
        descriptor.name(), envelopeFunction, new TtlSerializer<>(descriptor.valueSerializer(), false)));
  }

  private TtlAggregatingState(
      TtlBackend<K> backend, AggregatingStateDescriptor<IN, ACC, OUT> descriptor, TtlConfig config,
      EnvelopeFunction<IN, ACC> envelopeFunction,
      AggregatingStateDescriptor<Object, TtlValue<ACC>, TtlValue<ACC>> innerDescriptor) {
    super(backend, descriptor, config, innerDescriptor);
    this.inner = backend.inner.getState(innerDescriptor);
    this.function = descriptor.aggregateFunction();
    this.envelopeFunction = envelopeFunction;
    this.serializer = descriptor.valueSerializer();
  }

  @Override
  public OUT get() {
    long now = access();
    TtlValue<ACC> stored = inner.get();
    if (stored == null) {
      return null;
    }
    if (isExpired(stored, now)) {
      inner.clear();
      return returnExpired ? function.getResult(stored.value()) : null;
    }
    if (refreshOnRead) {
      inner.clear();
      envelopeFunction.now = now;
      // a copy: the wrapped add stores what the function returns, and the result below may share it
      inner.add(new Replace<>(new TtlValue<>(now, serializer.copy(stored.value()))));
    }
    return function.getResult(stored.value());
  }

  @Override
  public void add(IN value) {
    backend.requireKey(name);
    if (value == null) {
      throw new NullPointerException("state '" + name + "': the value added must not be null");
    }
    envelopeFunction.now = writeAccess();
    inner.add(value);
  }

  @Override
  TtlValue<?> storedEnvelope() {
    return inner.get();
  }

  @Override
  void clearEnvelope() {
    inner.clear();
  }

  /**
   * The function of the wrapped state. {@link #now} is the time of the add in progress, set by the
   * state just before it calls the wrapped {@code add} (one task thread: no race).
   */
  private static final class EnvelopeFunction<IN, ACC> implements AggregateFunction<Object, TtlValue<ACC>, TtlValue<ACC>> {

    private final AggregateFunction<IN, ACC, ?> function;
    private final TtlConfig config;
    long now;

    EnvelopeFunction(AggregateFunction<IN, ACC, ?> function, TtlConfig config) {
      this.function = function;
      this.config = config;
    }

    @Override
    public TtlValue<ACC> createAccumulator() {
      return new TtlValue<>(now, function.createAccumulator());
    }

    @Override
    @SuppressWarnings("unchecked")
    public TtlValue<ACC> add(Object value, TtlValue<ACC> accumulator) {
      if (value instanceof Replace<?> replace) {
        return (TtlValue<ACC>) replace.accumulator();
      }
      ACC base = config.isExpired(accumulator.lastAccess(), now) ? function.createAccumulator() : accumulator.value();
      return new TtlValue<>(now, function.add((IN) value, base));
    }

    @Override
    public TtlValue<ACC> getResult(TtlValue<ACC> accumulator) {
      return accumulator;
    }
  }
}
