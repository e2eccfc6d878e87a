package dev.cairn.checkpoint;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.serde.TypeSerializer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A child-JVM program for {@link MigrationCrashTest}: version 2 of a job whose state "payload"
 * gained a user migration. It restores the latest checkpoint of a job directory into a RocksDB
 * backend, registers the state (which migrates its column family), and writes every key's migrated
 * value to an output file.
 *
 * <p>Arguments: {@code <job dir> <working dir> <signal file> <crash at> <output file>}. With {@code
 * crash at} n > 0, the n-th call of the migrator creates the signal file and then sleeps for ever,
 * for the test to kill the JVM there; 0 never stops.
 */
public final class MigratingJob {

  static final int KEYS = 8_000;

  private MigratingJob() {}

  /** The value version 1 stores for {@code key}: about 1 KiB, so that the rewrite writes several batches. */
  static String payload(long key) {
    return ("payload of key " + key + " ").repeat(40);
  }

  /** What version 2's migration makes of a stored value. */
  static String migrated(String stored) {
    return stored.toUpperCase() + "!";
  }

  public static void main(String[] args) throws IOException {
    Path jobDir = Path.of(args[0]);
    Path working = Path.of(args[1]);
    Path signal = Path.of(args[2]);
    long crashAt = Long.parseLong(args[3]);
    Path output = Path.of(args[4]);
    AtomicLong calls = new AtomicLong();
    TypeSerializer<String> v2 = Serializers.migrating("shout", Serializers.STRING, Serializers.STRING, stored -> {
      if (calls.incrementAndGet() == crashAt) {
        try {
          Files.createFile(signal);
          Thread.sleep(Long.MAX_VALUE);
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      return migrated(stored);
    });
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).workingDirectory(working).build();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(jobDir).build()) {
      coordinator.register(backend, new OperatorStateStore());
      coordinator.restoreLatest();
      ValueState<String> state = backend.getState(StateDescriptors.value("payload", v2));
      try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(output))) {
        for (long key = 0; key < KEYS; key++) {
          backend.setCurrentKey(key);
          out.println(key + "," + state.value());
        }
      }
    }
  }
}
