package dev.cairn.examples.savepointupgrade;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointParticipant;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.AvroSerializers;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.serde.StateAlias;
import dev.cairn.state.serde.StateDefault;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Upgrading a job whose state type gained a field, through a savepoint: version 1 keeps {@code
 * UserState(name, age)} per user, as a Java record and as an Avro record, and takes a savepoint;
 * version 2 keeps {@code UserState(name, age, email)} with a default for the email, starts from the
 * savepoint, and reads every user migrated (the record by Cairn's rules, the Avro record by Avro's
 * schema resolution). A self-contained demo in temporary directories; it checks what it prints and
 * exits 1 if anything differs.
 *
 * <pre>{@code
 * java -jar examples/target/cairn-examples.jar savepoint-upgrade [--backend heap|rocksdb] [--users N]
 * }</pre>
 *
 * <p>In a real upgrade the record keeps its class name and the new code replaces the old. Here both
 * versions live in one jar, so version 1's record is {@link UserStateV1} and version 2's record
 * declares that name as a former one ({@link StateAlias} on the class).
 */
public final class SavepointUpgrade {

  /** Version 1 of the user state. */
  public record UserStateV1(String name, int age) {}

  /** Version 2: an email, which users restored from version 1 get as its default. */
  @StateAlias("dev.cairn.examples.savepointupgrade.SavepointUpgrade$UserStateV1")
  public record UserState(String name, int age, @StateDefault("unknown@example.com") String email) {}

  /** Version 1 of the Avro record. */
  static final Schema AVRO_V1 = new Schema.Parser().parse("""
      {"type": "record", "name": "UserState", "namespace": "dev.cairn.examples", "fields": [
        {"name": "name", "type": "string"},
        {"name": "age", "type": "int"}]}""");

  /** Version 2 of the Avro record: an email with a default. */
  static final Schema AVRO_V2 = new Schema.Parser().parse("""
      {"type": "record", "name": "UserState", "namespace": "dev.cairn.examples", "fields": [
        {"name": "name", "type": "string"},
        {"name": "age", "type": "int"},
        {"name": "email", "type": "string", "default": "unknown@example.com"}]}""");

  private SavepointUpgrade() {}

  public static int main(String[] args) throws Exception {
    String backendKind = "heap";
    int users = 1_000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--backend" -> backendKind = args[++i];
        case "--users" -> users = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: savepoint-upgrade [--backend heap|rocksdb] [--users N]");
          return 2;
        }
      }
    }
    Path dir = Files.createTempDirectory("cairn-savepoint-upgrade");
    try {
      return run(dir, backendKind, users, System.out);
    } finally {
      deleteRecursively(dir);
    }
  }

  static int run(Path dir, String backendKind, int users, PrintStream out) {
    Path savepoint = dir.resolve("savepoint");
    // ---- version 1: UserState(name, age)
    try (KeyedStateBackend<String> backend = backend(backendKind);
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job-v1")).build()) {
      CheckpointParticipant task = coordinator.register(backend, new OperatorStateStore());
      ValueState<UserStateV1> record =
          backend.getState(StateDescriptors.value("user", Serializers.record(UserStateV1.class)));
      ValueState<GenericRecord> avro =
          backend.getState(StateDescriptors.value("user-avro", AvroSerializers.generic(AVRO_V1)));
      for (int i = 0; i < users; i++) {
        backend.setCurrentKey("user-" + i);
        record.update(new UserStateV1("User " + i, 20 + i % 50));
        GenericRecord r = new GenericData.Record(AVRO_V1);
        r.put("name", "User " + i);
        r.put("age", 20 + i % 50);
        avro.update(r);
      }
      task.savepointNow(savepoint).join();
      out.printf("version 1 (%s backend): %d users as UserState(name, age), record and Avro; savepoint in %s%n",
          backendKind, users, savepoint);
    }
    // ---- version 2: UserState(name, age, email), started from the savepoint
    int wrong = 0;
    try (KeyedStateBackend<String> backend = backend(backendKind);
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job-v2")).build()) {
      coordinator.register(backend, new OperatorStateStore());
      coordinator.restore(savepoint);
      ValueStateDescriptor<UserState> userV2 = StateDescriptors.value("user", Serializers.record(UserState.class));
      ValueState<UserState> record = backend.getState(userV2); // migrates here
      ValueState<GenericRecord> avro =
          backend.getState(StateDescriptors.value("user-avro", AvroSerializers.generic(AVRO_V2)));
      for (int i = 0; i < users; i++) {
        backend.setCurrentKey("user-" + i);
        UserState expected = new UserState("User " + i, 20 + i % 50, "unknown@example.com");
        UserState read = record.value();
        GenericRecord readAvro = avro.value();
        boolean avroOk = readAvro != null && expected.name().equals(readAvro.get("name").toString())
            && Integer.valueOf(expected.age()).equals(readAvro.get("age"))
            && expected.email().equals(readAvro.get("email").toString());
        if (!expected.equals(read) || !avroOk) {
          wrong++;
          out.printf("  user-%d: record %s, Avro %s, expected %s%n", i, read, readAvro, expected);
        }
      }
      backend.setCurrentKey("user-0");
      out.printf("version 2: restored %d users; user-0 is %s (record) and %s (Avro)%n", users, record.value(),
          avro.value());
      record.update(new UserState("User 0", 20, "user0@example.com"));
      out.printf("version 2: user-0 updated its email: %s%n", record.value());
    }
    out.println(wrong == 0 ? "every user migrated: OK" : wrong + " users differ: FAILED");
    return wrong == 0 ? 0 : 1;
  }

  private static KeyedStateBackend<String> backend(String kind) {
    return switch (kind) {
      case "heap" -> HeapStateBackend.builder(Serializers.STRING).build();
      case "rocksdb" -> RocksDbStateBackend.builder(Serializers.STRING).build();
      default -> throw new IllegalArgumentException("--backend must be heap or rocksdb, got " + kind);
    };
  }

  /** Deletes {@code dir} and everything in it (the demos' temporary directories). */
  public static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
