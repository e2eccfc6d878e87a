/**
 * Cairn's state API: the five state types, descriptors, {@link dev.cairn.state.KeyedStateBackend},
 * serializers ({@code serde}), metrics ({@code metrics}), queryable state ({@code query}) and the backend SPI ({@code spi}, for backend authors and for
 * checkpointing). Kryo and Objenesis are automatic modules; applications that store their own classes
 * with {@code Serializers.kryo(...)} or {@code Serializers.record(...)} must open the packages of those
 * classes (see the README, "Using Cairn").
 */
@SuppressWarnings("requires-automatic")
module dev.cairn.state {
  requires com.esotericsoftware.kryo;
  requires org.objenesis;
  requires org.slf4j;
  requires static org.apache.avro; // optional: only AvroSerializers needs it

  exports dev.cairn.state;
  exports dev.cairn.state.metrics;
  exports dev.cairn.state.query;
  exports dev.cairn.state.serde;
  exports dev.cairn.state.spi;

  uses dev.cairn.state.serde.SerializerSnapshots.Provider;
}
