/** Cairn's time-to-live decorator: {@link dev.cairn.ttl.TtlStateBackend}. */
module dev.cairn.ttl {
  requires transitive dev.cairn.state;

  exports dev.cairn.ttl;

  provides dev.cairn.state.serde.SerializerSnapshots.Provider with dev.cairn.ttl.TtlSerializerSnapshots;
}
