package dev.cairn.ttl;

import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.serde.TypeSerializer;

/** A {@link ValueState} with TTL: one envelope per key. The default is returned when absent or expired. */
final class TtlValueState<K, T> extends TtlSingleEnvelopeState<K> implements ValueState<T> {

  private final ValueState<TtlValue<T>> inner;
  private final T defaultValue;
  private final TypeSerializer<T> serializer;

  TtlValueState(TtlBackend<K> backend, ValueStateDescriptor<T> descriptor, TtlConfig config) {
    this(backend, descriptor, config,
        StateDescriptors.value(descriptor.name(), new TtlSerializer<>(descriptor.valueSerializer(), false)));
  }

  private TtlValueState(
      TtlBackend<K> backend, ValueStateDescriptor<T> descriptor, TtlConfig config,
      ValueStateDescriptor<TtlValue<T>> innerDescriptor) {
    super(backend, descriptor, config, innerDescriptor);
    this.inner = backend.inner.getState(innerDescriptor);
    this.defaultValue = descriptor.defaultValue();
    this.serializer = descriptor.valueSerializer();
  }

  @Override
  public T value() {
    long now = access();
    TtlValue<T> stored = inner.value();
    if (stored == null) {
      return defaultValue();
    }
    if (isExpired(stored, now)) {
      inner.clear();
      return returnExpired ? stored.value() : defaultValue();
    }
    if (refreshOnRead) {
      inner.update(new TtlValue<>(now, stored.value()));
    }
    return stored.value();
  }

  @Override
  public void update(T value) {
    long now = writeAccess();
    if (value == null) {
      inner.clear();
    } else {
      inner.update(new TtlValue<>(now, value));
    }
  }

  @Override
  TtlValue<?> storedEnvelope() {
    return inner.value();
  }

  @Override
  void clearEnvelope() {
    inner.clear();
  }

  private T defaultValue() {
    return defaultValue == null ? null : serializer.copy(defaultValue);
  }
}
