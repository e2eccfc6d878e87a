package dev.cairn.checkpoint.kafka;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.ReducingState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.serde.Serializers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The per-user aggregation the Kafka tests run: records keyed by user, valued {@code action,amount};
 * per user a count (value state), the sum (reducing), counts per action (map) and the last five amounts
 * (list, order-sensitive: a record applied twice or out of order changes it). {@link #oracle} computes
 * the same results with plain collections.
 */
final class UserAggregation implements RecordProcessor<String, String> {

  static final List<String> ACTIONS = List.of("view", "click", "purchase");

  private final KeyedStateBackend<String> backend;
  private final ValueState<Long> count;
  private final ReducingState<Long> sum;
  private final MapState<String, Long> perAction;
  private final ListState<Long> lastFive;
  private final List<Long> scratch = new ArrayList<>(6);

  UserAggregation(KeyedStateBackend<String> backend) {
    this.backend = backend;
    count = backend.getState(StateDescriptors.value("count", Serializers.LONG, 0L));
    sum = backend.getState(StateDescriptors.reducing("sum", Long::sum, Serializers.LONG));
    perAction = backend.getState(StateDescriptors.map("per-action", Serializers.STRING, Serializers.LONG));
    lastFive = backend.getState(StateDescriptors.list("last-five", Serializers.LONG));
  }

  @Override
  public void process(ConsumerRecord<String, String> record) {
    int comma = record.value().indexOf(',');
    String action = record.value().substring(0, comma);
    long amount = Long.parseLong(record.value().substring(comma + 1));
    backend.setCurrentKey(record.key());
    count.update(count.value() + 1);
    sum.add(amount);
    Long n = perAction.get(action);
    perAction.put(action, n == null ? 1 : n + 1);
    scratch.clear();
    lastFive.get().forEach(scratch::add);
    scratch.add(amount);
    if (scratch.size() > 5) {
      scratch.remove(0);
    }
    lastFive.update(scratch);
  }

  /** Every user's result line, {@code user,count,sum,views,clicks,purchases,last five}, by user. */
  Map<String, String> results() {
    Map<String, String> out = new TreeMap<>();
    List<String> users;
    try (Stream<String> keys = backend.keys("count")) {
      users = keys.toList();
    }
    for (String user : users) {
      backend.setCurrentKey(user);
      List<String> last = new ArrayList<>();
      lastFive.get().forEach(a -> last.add(String.valueOf(a)));
      StringBuilder line = new StringBuilder().append(count.value()).append(',').append(sum.get());
      for (String action : ACTIONS) {
        Long n = perAction.get(action);
        line.append(',').append(n == null ? 0 : n);
      }
      out.put(user, line.append(',').append(String.join(" ", last)).toString());
    }
    return out;
  }

  /** The results of applying {@code events} ({@code user, "action,amount"} in order) once each. */
  static Map<String, String> oracle(List<String[]> events) {
    Map<String, long[]> totals = new TreeMap<>();
    Map<String, Deque<Long>> lastFive = new TreeMap<>();
    for (String[] e : events) {
      String[] v = e[1].split(",");
      long amount = Long.parseLong(v[1]);
      long[] t = totals.computeIfAbsent(e[0], u -> new long[5]);
      t[0]++;
      t[1] += amount;
      t[2 + ACTIONS.indexOf(v[0])]++;
      Deque<Long> last = lastFive.computeIfAbsent(e[0], u -> new ArrayDeque<>());
      last.addLast(amount);
      if (last.size() > 5) {
        last.removeFirst();
      }
    }
    Map<String, String> out = new TreeMap<>();
    totals.forEach((user, t) -> out.put(user, t[0] + "," + t[1] + "," + t[2] + "," + t[3] + "," + t[4] + ","
        + String.join(" ", lastFive.get(user).stream().map(String::valueOf).toList())));
    return out;
  }
}
