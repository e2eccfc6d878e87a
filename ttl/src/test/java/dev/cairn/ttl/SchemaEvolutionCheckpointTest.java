package dev.cairn.ttl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointParticipant;
import dev.cairn.checkpoint.CompletedCheckpoint;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.MapState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.ValueState;
import dev.cairn.state.kit.AvroUser;
import dev.cairn.state.kit.SchemaEvolutionContract;
import dev.cairn.state.kit.SchemaEvolutionContract.Account;
import dev.cairn.state.kit.SchemaEvolutionContract.AccountV1;
import dev.cairn.state.kit.SchemaEvolutionContract.Color;
import dev.cairn.state.kit.SchemaEvolutionContract.ColorV1;
import dev.cairn.state.kit.UserState;
import dev.cairn.state.kit.UserStateSerializer;
import dev.cairn.state.serde.AvroSerializers;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.serde.TypeSerializer;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Schema evolution through the checkpoint coordinator, for each backend, bare and under TTL,
 * restored from a checkpoint and from a savepoint: one state per compatibility outcome (as is,
 * reconfigured enum keys with widened values, a record component widened, a POJO evolved, the
 * hand-written versioned serializer, a user {@code StateMigrator}, an Avro generic record read as a
 * specific one after Avro's schema resolution) reads exactly the migrated original, and an incompatible change fails naming
 * the state, component and types, leaving the state readable with its old serializer. (The kit's
 * {@code SchemaEvolutionContract} covers the other record changes on every backend.)
 */
class SchemaEvolutionCheckpointTest {

  private static final int KEYS = 200;
  private static final TtlConfig TTL = TtlConfig.builder(Duration.ofDays(1)).build();

  @TempDir Path dir;

  private static CompletedCheckpoint drive(CompletableFuture<CompletedCheckpoint> future, CheckpointParticipant task) {
    while (!future.isDone()) {
      task.checkpointIfPending();
      Thread.onSpinWait();
    }
    return future.join();
  }

  private static KeyedStateBackend<Long> backend(Backends kind, boolean ttl) {
    KeyedStateBackend<Long> backend = kind.create(Serializers.LONG);
    return ttl ? TtlStateBackend.wrap(backend, TTL, new ManualClock(1_000)) : backend;
  }

  /** A record whose component serializer a test chooses: the same class in every version. */
  record Item(Object value) {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static TypeSerializer<Item> item(TypeSerializer<?> component) {
    return Serializers.record(Item.class, (TypeSerializer) component);
  }

  /** Runs version 1 of the job and returns the directory to restore: a savepoint or the job's checkpoints. */
  private Path version1(Backends kind, boolean ttl, boolean savepoint) {
    try (KeyedStateBackend<Long> backend = backend(kind, ttl);
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job1")).build()) {
      CheckpointParticipant task = coordinator.register(backend, new OperatorStateStore());
      ValueState<String> same = backend.getState(StateDescriptors.value("same", Serializers.STRING));
      ValueState<Item> widened = backend.getState(StateDescriptors.value("widened", item(Serializers.INT)));
      ValueState<UserState> user = backend.getState(StateDescriptors.value("user", new UserStateSerializer(1)));
      MapState<ColorV1, Integer> colors =
          backend.getState(StateDescriptors.map("per-color", Serializers.enumOf(ColorV1.class), Serializers.INT));
      ValueState<Item> bad = backend.getState(StateDescriptors.value("bad", item(Serializers.STRING)));
      ValueState<AccountV1> account =
          backend.getState(StateDescriptors.value("account", SchemaEvolutionContract.accountV1()));
      ValueState<Long> millis = backend.getState(StateDescriptors.value("duration", Serializers.LONG));
      Schema v1 = new Schema.Parser().parse(AvroUser.V1_SCHEMA);
      ValueState<GenericRecord> avro = backend.getState(StateDescriptors.value("avro-user", AvroSerializers.generic(v1)));
      for (long key = 0; key < KEYS; key++) {
        backend.setCurrentKey(key);
        millis.update(key * 1000);
        GenericRecord record = new GenericData.Record(v1);
        record.put("name", "user " + key);
        record.put("age", (int) key);
        avro.update(record);
        same.update("s" + key);
        widened.update(new Item(key % 2 == 0 ? null : (int) key));
        user.update(new UserState("user " + key, (int) key, ""));
        colors.put(ColorV1.BLUE, (int) key);
        colors.put(ColorV1.RED, (int) -key);
        bad.update(new Item("forty"));
        account.update(new AccountV1("user " + key, (int) key, "n"));
      }
      if (savepoint) {
        drive(coordinator.triggerSavepoint(dir.resolve("sp")), task);
        return dir.resolve("sp");
      }
      return Path.of(drive(coordinator.triggerCheckpoint(), task).location());
    }
  }

  @ParameterizedTest(name = "{0}, ttl {1}, savepoint {2}")
  @CsvSource({
    "HEAP,false,false", "HEAP,false,true", "HEAP,true,false", "HEAP,true,true",
    "ROCKSDB,false,false", "ROCKSDB,false,true", "ROCKSDB,true,false", "ROCKSDB,true,true"
  })
  void restore_everyOutcome_readsTheMigratedOriginal(Backends kind, boolean ttl, boolean savepoint) {
    Path restoreFrom = version1(kind, ttl, savepoint);
    try (KeyedStateBackend<Long> backend = backend(kind, ttl);
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job2")).build()) {
      coordinator.register(backend, new OperatorStateStore());
      coordinator.restore(restoreFrom);

      assertThatThrownBy(() -> backend.getState(StateDescriptors.value("bad", item(Serializers.LONG))))
          .isInstanceOf(IncompatibleSchemaException.class)
          .hasMessageContaining("state 'bad'")
          .hasMessageContaining("component 'value'")
          .hasMessageContaining("cairn.string")
          .hasMessageContaining("cairn.long");
      ValueState<Item> bad = backend.getState(StateDescriptors.value("bad", item(Serializers.STRING)));
      ValueState<String> same = backend.getState(StateDescriptors.value("same", Serializers.STRING));
      ValueState<Item> widened = backend.getState(StateDescriptors.value("widened", item(Serializers.LONG)));
      ValueState<UserState> user = backend.getState(StateDescriptors.value("user", new UserStateSerializer()));
      MapState<Color, Long> colors =
          backend.getState(StateDescriptors.map("per-color", Serializers.enumOf(Color.class), Serializers.LONG));
      ValueState<Account> account = backend.getState(StateDescriptors.value("account", Serializers.pojo(Account.class)));
      ValueState<AvroUser> avro =
          backend.getState(StateDescriptors.value("avro-user", AvroSerializers.specific(AvroUser.class)));
      ValueState<Long> seconds = backend.getState(StateDescriptors.value("duration",
          Serializers.migrating("millis-to-seconds", Serializers.LONG, Serializers.LONG, ms -> ms / 1000)));

      for (long key = 0; key < KEYS; key++) {
        backend.setCurrentKey(key);
        assertThat(same.value()).isEqualTo("s" + key);
        assertThat(bad.value()).isEqualTo(new Item("forty"));
        assertThat(widened.value()).isEqualTo(new Item(key % 2 == 0 ? null : key));
        assertThat(user.value()).isEqualTo(new UserState("user " + key, (int) key, ""));
        Map<Color, Long> read = new HashMap<>();
        colors.entries().forEach(e -> read.put(e.getKey(), e.getValue()));
        assertThat(read).isEqualTo(Map.of(Color.BLUE, key, Color.RED, -key));
        assertThat(account.value()).isEqualTo(new Account("user " + key, key, "EUR"));
        assertThat(seconds.value()).isEqualTo(key);
        assertThat(avro.value()).isEqualTo(new AvroUser("user " + key, key, "unknown@example.com"));
      }
    }
  }
}
