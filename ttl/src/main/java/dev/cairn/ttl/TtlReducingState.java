package dev.cairn.ttl;

import dev.cairn.state.ReduceFunction;
import dev.cairn.state.ReducingState;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;

/**
 * A {@link ReducingState} with TTL, on a reducing state of envelopes whose function starts afresh
 * from the new value when the stored one has expired: expired data is never merged into new data.
 */
final class TtlReducingState<K, T> extends TtlSingleEnvelopeState<K> implements ReducingState<T> {

  private final ReducingState<TtlValue<T>> inner;

  TtlReducingState(TtlBackend<K> backend, ReducingStateDescriptor<T> descriptor, TtlConfig config) {
    this(backend, descriptor, config, StateDescriptors.reducing(
        descriptor.name(), envelopeFunction(descriptor.reduceFunction(), config),
        new TtlSerializer<>(descriptor.valueSerializer(), false)));
  }

  private TtlReducingState(
      TtlBackend<K> backend, ReducingStateDescriptor<T> descriptor, TtlConfig config,
      ReducingStateDescriptor<TtlValue<T>> innerDescriptor) {
    super(backend, descriptor, config, innerDescriptor);
    this.inner = backend.inner.getState(innerDescriptor);
  }

  /** Reduces envelopes; the new value's timestamp is the time of the add. */
  private static <T> ReduceFunction<TtlValue<T>> envelopeFunction(ReduceFunction<T> function, TtlConfig config) {
    return (stored, added) -> config.isExpired(stored.lastAccess(), added.lastAccess())
        ? added
        : new TtlValue<>(added.lastAccess(), function.reduce(stored.value(), added.value()));
  }

  @Override
  public T get() {
    long now = access();
    TtlValue<T> stored = inner.get();
    if (stored == null) {
      return null;
    }
    if (isExpired(stored, now)) {
      inner.clear();
      return returnExpired ? stored.value() : null;
    }
    if (refreshOnRead) {
      inner.clear(); // the first add after a clear stores as is: the value with a new timestamp
      inner.add(new TtlValue<>(now, stored.value()));
    }
    return stored.value();
  }

  @Override
  public void add(T value) {
    backend.requireKey(name);
    if (value == null) {
      throw new NullPointerException("state '" + name + "': the value added must not be null");
    }
    inner.add(new TtlValue<>(writeAccess(), value));
  }

  @Override
  TtlValue<?> storedEnvelope() {
    return inner.get();
  }

  @Override
  void clearEnvelope() {
    inner.clear();
  }
}
