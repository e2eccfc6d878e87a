package dev.cairn.examples.statetypes;

import dev.cairn.examples.Demo;
import dev.cairn.state.AggregateFunction;
import dev.cairn.state.AggregatingState;
import dev.cairn.state.AggregatingStateDescriptor;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.ReducingState;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.serde.Serializers;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * All five keyed state kinds on one small stream of purchases, per user: how many purchases
 * ({@link ValueState}), the items in order ({@link ListState}), units per item ({@link MapState}),
 * the largest amount ({@link ReducingState} with {@code Math::max}) and the mean amount ({@link
 * AggregatingState} with a count-and-sum accumulator). Each event prints the state of its user only:
 * every state is scoped to the current key, so alice's purchases never show in bob's state.
 *
 * <pre>{@code
 * java -jar examples/target/cairn-examples.jar state-types [--backend heap|rocksdb|both]
 * }</pre>
 *
 * <p>Default {@code both}: the stream runs on the heap backend, then on RocksDB (in a temporary
 * directory), and the example checks that both end with the same state; exit code 0 if they do.
 */
public final class StateTypes {

  /** One purchase: who, what, how many units, what it cost. */
  public record Purchase(String user, String item, int units, long amount) {}

  /** The stream: eight purchases of three users. */
  public static final List<Purchase> PURCHASES = List.of(
      new Purchase("alice", "apple", 3, 30),
      new Purchase("bob", "bread", 1, 25),
      new Purchase("alice", "pear", 2, 50),
      new Purchase("carol", "apple", 6, 60),
      new Purchase("bob", "apple", 1, 10),
      new Purchase("alice", "apple", 1, 10),
      new Purchase("carol", "milk", 2, 40),
      new Purchase("bob", "bread", 2, 55));

  /** The mean's accumulator: purchases and their total amount. */
  public record Mean(long count, long sum) {}

  /** Folds amounts into a {@link Mean}; the result is the mean amount. */
  public static final AggregateFunction<Long, Mean, Double> MEAN = new AggregateFunction<>() {
    @Override
    public Mean createAccumulator() {
      return new Mean(0, 0);
    }

    @Override
    public Mean add(Long amount, Mean acc) {
      return new Mean(acc.count() + 1, acc.sum() + amount);
    }

    @Override
    public Double getResult(Mean acc) {
      return (double) acc.sum() / acc.count();
    }
  };

  static final ValueStateDescriptor<Long> PURCHASE_COUNT = StateDescriptors.value("purchases", Serializers.LONG, 0L);
  static final ListStateDescriptor<String> ITEMS = StateDescriptors.list("items", Serializers.STRING);
  static final MapStateDescriptor<String, Integer> UNITS =
      StateDescriptors.map("units-per-item", Serializers.STRING, Serializers.INT);
  static final ReducingStateDescriptor<Long> LARGEST = StateDescriptors.reducing("largest", Math::max, Serializers.LONG);
  static final AggregatingStateDescriptor<Long, Mean, Double> MEAN_AMOUNT =
      StateDescriptors.aggregating("mean", MEAN, Serializers.record(Mean.class));

  private final KeyedStateBackend<String> backend;
  private final ValueState<Long> purchases;
  private final ListState<String> items;
  private final MapState<String, Integer> units;
  private final ReducingState<Long> largest;
  private final AggregatingState<Long, Double> mean;

  private StateTypes(KeyedStateBackend<String> backend) {
    this.backend = backend;
    purchases = backend.getState(PURCHASE_COUNT);
    items = backend.getState(ITEMS);
    units = backend.getState(UNITS);
    largest = backend.getState(LARGEST);
    mean = backend.getState(MEAN_AMOUNT);
  }

  public static int main(String[] args) throws Exception {
    return run(args, System.out);
  }

  /** Runs the example, printing to {@code out}; returns the exit code. */
  public static int run(String[] args, PrintStream out) {
    List<String> kinds;
    try {
      kinds = Demo.backends(Demo.options(args, List.of("backend")), "both");
    } catch (IllegalArgumentException e) {
      out.println("state-types: " + e.getMessage());
      out.println("usage: state-types [--backend heap|rocksdb|both]");
      return 2;
    }
    Path directory = Demo.temporaryDirectory("state-types");
    try {
      Map<String, String> first = null;
      for (String kind : kinds) {
        Map<String, String> result = runOn(kind, directory.resolve(kind), out);
        if (first != null) {
          boolean same = first.equals(result);
          out.println(same
              ? "heap and rocksdb end with the same state for every user"
              : "heap and rocksdb DIFFER: " + first + " vs " + result);
          if (!same) {
            return 1;
          }
        }
        first = result;
      }
      return 0;
    } finally {
      Demo.deleteRecursively(directory);
    }
  }

  /** Runs the stream on one backend; returns every user's final state as printed. */
  static Map<String, String> runOn(String kind, Path directory, PrintStream out) {
    out.println("== " + kind + " backend ==");
    try (KeyedStateBackend<String> backend = Demo.backend(kind, Serializers.STRING, directory)) {
      StateTypes job = new StateTypes(backend);
      int n = 0;
      for (Purchase p : PURCHASES) {
        job.process(p);
        out.printf(Locale.ROOT, "event %d: %-5s buys %d %-5s for %3d -> %s's state: %s%n",
            ++n, p.user(), p.units(), p.item(), p.amount(), p.user(), job.describe());
      }
      out.println("per-key scoping: each user sees only its own state");
      Map<String, String> finalState = new TreeMap<>();
      List<String> users;
      try (Stream<String> keys = backend.keys(PURCHASE_COUNT.name())) {
        users = keys.sorted().toList();
      }
      for (String user : users) {
        backend.setCurrentKey(user);
        finalState.put(user, job.describe());
        out.println("  " + user + ": " + finalState.get(user));
      }
      backend.setCurrentKey("dave");
      out.println("  dave (no purchases): " + job.describe());
      return finalState;
    }
  }

  /** Applies one purchase to its user's five states. */
  private void process(Purchase p) {
    backend.setCurrentKey(p.user()); // every state below is now the state of this user
    purchases.update(purchases.value() + 1);
    items.add(p.item());
    Integer before = units.get(p.item());
    units.put(p.item(), before == null ? p.units() : before + p.units());
    largest.add(p.amount());
    mean.add(p.amount());
  }

  /** The current key's five states, one line. */
  private String describe() {
    List<String> itemList = new ArrayList<>();
    items.get().forEach(itemList::add);
    Map<String, Integer> unitMap = new TreeMap<>();
    units.entries().forEach(e -> unitMap.put(e.getKey(), e.getValue()));
    Double meanAmount = mean.get();
    return "purchases=" + purchases.value() + " items=" + itemList + " units=" + unitMap
        + " largest=" + largest.get()
        + " mean=" + (meanAmount == null ? "null" : String.format(Locale.ROOT, "%.2f", meanAmount));
  }
}
