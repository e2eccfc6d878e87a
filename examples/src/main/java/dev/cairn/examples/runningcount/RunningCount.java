package dev.cairn.examples.runningcount;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.ReducingState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.serde.Serializers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The course module's first example: per user, a count (ValueState), a sum (ReducingState), the last
 * five values (ListState) and counts per action (MapState), over a generated event stream.
 *
 * <pre>{@code java -jar examples/target/cairn-examples.jar running-count [events=20] [seed=42]}</pre>
 */
public final class RunningCount {

  static final int USERS = 3;

  private final KeyedStateBackend<String> backend;
  private final ValueState<Long> count;
  private final ReducingState<Long> sum;
  private final ListState<Integer> lastFive;
  private final MapState<String, Long> perAction;

  /** Registers the example's states on {@code backend}. */
  public RunningCount(KeyedStateBackend<String> backend) {
    this.backend = backend;
    this.count = backend.getState(StateDescriptors.value("count", Serializers.LONG, 0L));
    this.sum = backend.getState(StateDescriptors.reducing("sum", Long::sum, Serializers.LONG));
    this.lastFive = backend.getState(StateDescriptors.list("last-five", Serializers.INT));
    this.perAction = backend.getState(StateDescriptors.map("per-action", Serializers.STRING, Serializers.LONG));
  }

  /** Updates the state of the event's user. */
  public void process(Event event) {
    backend.setCurrentKey(event.user());
    count.update(count.value() + 1);
    sum.add((long) event.value());
    List<Integer> values = new ArrayList<>();
    lastFive.get().forEach(values::add);
    values.add(event.value());
    lastFive.update(values.size() > 5 ? values.subList(values.size() - 5, values.size()) : values);
    Long actions = perAction.get(event.action());
    perAction.put(event.action(), actions == null ? 1 : actions + 1);
  }

  /** Returns every user's state, sorted by user. */
  public Map<String, UserSummary> summaries() {
    Map<String, UserSummary> result = new TreeMap<>();
    List<String> users;
    try (var keys = backend.keys("count")) {
      users = keys.toList();
    }
    for (String user : users) {
      backend.setCurrentKey(user);
      List<Integer> values = new ArrayList<>();
      lastFive.get().forEach(values::add);
      Map<String, Long> actions = new HashMap<>();
      perAction.entries().forEach(e -> actions.put(e.getKey(), e.getValue()));
      result.put(user, new UserSummary(count.value(), sum.get(), values, actions));
    }
    return result;
  }

  /** Runs the example: {@code [events] [seed]}. */
  public static int main(String[] args) {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 42L;
    try (KeyedStateBackend<String> backend = HeapStateBackend.builder(Serializers.STRING).build()) {
      RunningCount job = new RunningCount(backend);
      for (Event event : Event.generate(events, USERS, seed)) {
        job.process(event);
      }
      System.out.printf("Processed %d events for %d users (seed %d)%n%n", events, USERS, seed);
      System.out.printf("%-8s %6s %6s  %-20s %s%n", "user", "count", "sum", "last five", "per action");
      job.summaries()
          .forEach(
              (user, s) ->
                  System.out.printf(
                      "%-8s %6d %6d  %-20s %s%n",
                      user, s.count(), s.sum(), s.lastFive(), new TreeMap<>(s.countsPerAction())));
    }
    return 0;
  }
}
