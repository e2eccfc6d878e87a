package dev.cairn.ttl;

import dev.cairn.state.serde.SerializerSnapshots;

/**
 * Registers the reader of TTL serializer snapshots ({@code "cairn.ttl"}) with {@link
 * SerializerSnapshots}; found by {@link java.util.ServiceLoader}, so that a stream written with TTL
 * can be read (and refused with a clear message, or stripped) wherever this module is on the class
 * path. Not for direct use.
 */
public final class TtlSerializerSnapshots implements SerializerSnapshots.Provider {

  /** Called by {@link java.util.ServiceLoader}. */
  public TtlSerializerSnapshots() {}

  @Override
  public void registerReaders() {
    TtlSerializer.registerReader();
  }
}
