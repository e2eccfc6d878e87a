package dev.cairn.ttl;

import dev.cairn.state.StateDescriptor;
import dev.cairn.state.TtlConfig;

/**
 * A TTL state that stores one envelope per key (value, reducing and aggregating state): expiry and
 * purging of that envelope, shared.
 *
 * @param <K> the key type
 */
abstract class TtlSingleEnvelopeState<K> extends TtlState<K> {

  TtlSingleEnvelopeState(
      TtlBackend<K> backend, StateDescriptor<?> descriptor, TtlConfig config, StateDescriptor<?> innerDescriptor) {
    super(backend, descriptor, config, innerDescriptor);
  }

  /** Returns the current (wrapped-backend) key's envelope, or null; reads only. */
  abstract TtlValue<?> storedEnvelope();

  /** Removes the current (wrapped-backend) key's envelope. */
  abstract void clearEnvelope();

  @Override
  public final void clear() {
    access();
    clearEnvelope();
  }

  @Override
  final boolean purgeExpired(long now) {
    TtlValue<?> stored = storedEnvelope();
    if (stored != null && isExpired(stored, now)) {
      clearEnvelope();
      return true;
    }
    return false;
  }

  @Override
  final boolean hasLive(long now) {
    TtlValue<?> stored = storedEnvelope();
    return stored != null && !isExpired(stored, now);
  }
}
