package dev.cairn.examples.statemigration;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointParticipant;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.serde.TypeSerializer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A change no serializer can express, done with a user {@code StateMigrator}: version 1 of a
 * sensor job keeps each sensor's last temperature in tenths of a degree Fahrenheit (a {@code long});
 * version 2 keeps degrees Celsius (a {@code double}). Version 2 registers the state with {@code
 * Serializers.migrating("fahrenheit-tenths-to-celsius", LONG, DOUBLE, f -> (f / 10.0 - 32) / 1.8)}
 * and starts from version 1's savepoint: every stored value is converted once, when the state is
 * registered. A later restart from version 2's own checkpoint reads the Celsius values as they are:
 * the migration's name is stored with the state, so it never runs twice. Self-contained, in
 * temporary directories; exits 1 if a value differs.
 *
 * <pre>{@code
 * java -jar examples/target/cairn-examples.jar state-migration [--backend heap|rocksdb] [--sensors N]
 * }</pre>
 */
public final class StateMigration {

  private StateMigration() {}

  /** Version 2's serializer: Celsius, converted from version 1's tenths of a degree Fahrenheit. */
  static TypeSerializer<Double> celsius() {
    return Serializers.migrating("fahrenheit-tenths-to-celsius", Serializers.LONG, Serializers.DOUBLE,
        tenthsF -> (tenthsF / 10.0 - 32) / 1.8);
  }

  /** The temperature version 1 stores for sensor {@code i}, in tenths of a degree Fahrenheit. */
  static long fahrenheitTenths(int i) {
    return 320 + 18L * i; // 32.0 F + 1.8 F per sensor: sensor i is at i degrees Celsius
  }

  public static int main(String[] args) throws Exception {
    String backendKind = "heap";
    int sensors = 100;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--backend" -> backendKind = args[++i];
        case "--sensors" -> sensors = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: state-migration [--backend heap|rocksdb] [--sensors N]");
          return 2;
        }
      }
    }
    Path dir = Files.createTempDirectory("cairn-state-migration");
    try {
      return run(dir, backendKind, sensors, System.out);
    } finally {
      dev.cairn.examples.savepointupgrade.SavepointUpgrade.deleteRecursively(dir);
    }
  }

  static int run(Path dir, String backendKind, int sensors, PrintStream out) {
    Path savepoint = dir.resolve("savepoint");
    try (KeyedStateBackend<String> backend = backend(backendKind);
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job-v1")).build()) {
      CheckpointParticipant task = coordinator.register(backend, new OperatorStateStore());
      ValueState<Long> temperature = backend.getState(StateDescriptors.value("temperature", Serializers.LONG));
      for (int i = 0; i < sensors; i++) {
        backend.setCurrentKey("sensor-" + i);
        temperature.update(fahrenheitTenths(i));
      }
      task.savepointNow(savepoint).join();
      backend.setCurrentKey("sensor-37");
      out.printf("version 1 (%s backend): %d sensors in tenths of a degree Fahrenheit, sensor-37 = %d; savepoint%n",
          backendKind, sensors, temperature.value());
    }
    int wrong = 0;
    Path jobV2 = dir.resolve("job-v2");
    try (KeyedStateBackend<String> backend = backend(backendKind);
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(jobV2).build()) {
      CheckpointParticipant task = coordinator.register(backend, new OperatorStateStore());
      coordinator.restore(savepoint);
      ValueState<Double> temperature =
          backend.getState(StateDescriptors.value("temperature", celsius())); // the migrator runs here
      wrong += check(backend, temperature, sensors, out);
      backend.setCurrentKey("sensor-37");
      out.printf("version 2: migrated to Celsius, sensor-37 = %.1f C%n", temperature.value());
      task.checkpointNow().join();
    }
    try (KeyedStateBackend<String> backend = backend(backendKind);
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(jobV2).build()) {
      coordinator.register(backend, new OperatorStateStore());
      coordinator.restoreLatest();
      ValueState<Double> temperature = backend.getState(StateDescriptors.value("temperature", celsius()));
      wrong += check(backend, temperature, sensors, out);
      backend.setCurrentKey("sensor-37");
      out.printf("version 2 restarted from its own checkpoint: sensor-37 = %.1f C (not converted again)%n",
          temperature.value());
    }
    out.println(wrong == 0 ? "every sensor converted exactly once: OK" : wrong + " values differ: FAILED");
    return wrong == 0 ? 0 : 1;
  }

  private static int check(KeyedStateBackend<String> backend, ValueState<Double> temperature, int sensors,
      PrintStream out) {
    int wrong = 0;
    for (int i = 0; i < sensors; i++) {
      backend.setCurrentKey("sensor-" + i);
      Double celsius = temperature.value();
      if (celsius == null || Math.abs(celsius - i) > 1e-9) {
        wrong++;
        out.printf("  sensor-%d: %s C, expected %d%n", i, celsius, i);
      }
    }
    return wrong;
  }

  private static KeyedStateBackend<String> backend(String kind) {
    return switch (kind) {
      case "heap" -> HeapStateBackend.builder(Serializers.STRING).build();
      case "rocksdb" -> RocksDbStateBackend.builder(Serializers.STRING).build();
      default -> throw new IllegalArgumentException("--backend must be heap or rocksdb, got " + kind);
    };
  }
}
