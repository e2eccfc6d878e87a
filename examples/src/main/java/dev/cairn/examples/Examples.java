package dev.cairn.examples;

import dev.cairn.examples.bootstrap.Bootstrap;
import dev.cairn.examples.checkpointinterval.CheckpointInterval;
import dev.cairn.examples.exactlyonce.ExactlyOnce;
import dev.cairn.examples.failurerecovery.FailureRecovery;
import dev.cairn.examples.kafka.KafkaAggregation;
import dev.cairn.examples.monitorstate.MonitorState;
import dev.cairn.examples.queryserver.QueryServer;
import dev.cairn.examples.runningcount.RunningCount;
import dev.cairn.examples.savepointupgrade.SavepointUpgrade;
import dev.cairn.examples.statemigration.StateMigration;
import dev.cairn.examples.statetypes.StateTypes;
import dev.cairn.examples.ttlbounded.TtlBounded;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The entry point of {@code cairn-examples.jar}: the first argument names the example, the rest are
 * its arguments.
 *
 * <pre>{@code
 * java -jar examples/target/cairn-examples.jar running-count [events] [seed]
 * java -jar examples/target/cairn-examples.jar exactly-once --input IN --output OUT --checkpoint-dir DIR --backend heap|rocksdb
 * java -jar examples/target/cairn-examples.jar query-server [--port N] [--backend heap|rocksdb]
 * java -jar examples/target/cairn-examples.jar kafka-aggregation --bootstrap HOST:PORT --topic T --checkpoints LOCATION | --produce N
 * java -jar examples/target/cairn-examples.jar state-types [--backend heap|rocksdb|both]
 * java -jar examples/target/cairn-examples.jar checkpoint-interval [--interval-ms N] [--backend heap|rocksdb]
 * java -jar examples/target/cairn-examples.jar ttl-bounded [--backend heap|rocksdb] [--ttl-ms N]
 * java -jar examples/target/cairn-examples.jar monitor-state [--out DIR] [--backend heap|rocksdb]
 * java -jar examples/target/cairn-examples.jar failure-recovery [--backend heap|rocksdb]
 * java -jar examples/target/cairn-examples.jar bootstrap [--input users.csv] [--savepoint DIR] [--backend heap|rocksdb]
 * java -jar examples/target/cairn-examples.jar savepoint-upgrade [--backend heap|rocksdb] [--users N]
 * java -jar examples/target/cairn-examples.jar state-migration [--backend heap|rocksdb] [--sensors N]
 * }</pre>
 */
public final class Examples {

  /** An example program. */
  @FunctionalInterface
  interface Example {
    /** Runs the example; returns the process exit code. */
    int run(String[] args) throws Exception;
  }

  private static final Map<String, Example> EXAMPLES = new TreeMap<>(Map.ofEntries(
      Map.entry("running-count", RunningCount::main),
      Map.entry("exactly-once", ExactlyOnce::main),
      Map.entry("query-server", QueryServer::main),
      Map.entry("kafka-aggregation", KafkaAggregation::main),
      // the course module's examples: each runs with no arguments as a self-contained demo
      Map.entry("state-types", StateTypes::main),
      Map.entry("checkpoint-interval", CheckpointInterval::main),
      Map.entry("ttl-bounded", TtlBounded::main),
      Map.entry("monitor-state", MonitorState::main),
      Map.entry("failure-recovery", FailureRecovery::main),
      Map.entry("bootstrap", Bootstrap::main),
      Map.entry("savepoint-upgrade", SavepointUpgrade::main),
      Map.entry("state-migration", StateMigration::main)));

  private Examples() {}

  /** Returns the names of the registered examples, sorted. */
  static Set<String> names() {
    return Collections.unmodifiableSet(EXAMPLES.keySet());
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !EXAMPLES.containsKey(args[0])) {
      System.err.println("usage: java -jar cairn-examples.jar <example> [args...]");
      System.err.println("examples: " + String.join(", ", EXAMPLES.keySet()));
      System.exit(2);
    }
    int code = EXAMPLES.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length));
    if (code != 0) {
      System.exit(code);
    }
  }
}
