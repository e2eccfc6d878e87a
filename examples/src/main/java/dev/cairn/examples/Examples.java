package dev.cairn.examples;

import dev.cairn.examples.exactlyonce.ExactlyOnce;
import dev.cairn.examples.queryserver.QueryServer;
import dev.cairn.examples.runningcount.RunningCount;
import dev.cairn.examples.savepointupgrade.SavepointUpgrade;
import dev.cairn.examples.statemigration.StateMigration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The entry point of {@code cairn-examples.jar}: the first argument names the example, the rest are
 * its arguments.
 *
 * <pre>{@code
 * java -jar examples/target/cairn-examples.jar running-count [events] [seed]
 * java -jar examples/target/cairn-examples.jar exactly-once --input IN --output OUT --checkpoint-dir DIR --backend heap|rocksdb
 * java -jar examples/target/cairn-examples.jar query-server [--port N] [--backend heap|rocksdb]
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

  private static final Map<String, Example> EXAMPLES = new TreeMap<>(Map.of("running-count", RunningCount::main, "exactly-once", ExactlyOnce::main,
      "query-server", QueryServer::main, "savepoint-upgrade", SavepointUpgrade::main,
      "state-migration", StateMigration::main));

  private Examples() {}

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
