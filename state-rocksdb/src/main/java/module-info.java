/**
 * Cairn's RocksDB state backend: {@link dev.cairn.state.rocksdb.RocksDbStateBackend}. rocksdbjni has no
 * module name of its own; as an automatic module it is named {@code rocksdbjni} after its jar, and it
 * is required transitively because {@link dev.cairn.state.rocksdb.RocksDbOptionsCustomizer} takes its
 * option types.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.cairn.state.rocksdb {
  requires transitive dev.cairn.state;
  requires transitive rocksdbjni;
  requires org.slf4j;

  exports dev.cairn.state.rocksdb;
}
