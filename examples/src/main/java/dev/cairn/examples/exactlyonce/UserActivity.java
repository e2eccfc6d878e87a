package dev.cairn.examples.exactlyonce;

import dev.cairn.state.AggregateFunction;
import dev.cairn.state.AggregatingState;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.ReducingState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.serde.Serializers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The keyed logic of the exactly-once example: per user a count (ValueState), the sum of amounts
 * (ReducingState), counts per action (MapState), the last five amounts (ListState) and the mean
 * amount (AggregatingState). Public for the {@code kafka-aggregation} example, which runs the same logic
 * per Kafka partition.
 */
public final class UserActivity {

  /** The actions an event may have. */
  public static final List<String> ACTIONS = List.of("view", "click", "purchase");

  /** The mean's accumulator. */
  record Mean(long count, long sum) {}

  static final AggregateFunction<Long, Mean, Double> MEAN =
      new AggregateFunction<>() {
        @Override
        public Mean createAccumulator() {
          return new Mean(0, 0);
        }

        @Override
        public Mean add(Long value, Mean acc) {
          return new Mean(acc.count() + 1, acc.sum() + value);
        }

        @Override
        public Double getResult(Mean acc) {
          return (double) acc.sum() / acc.count();
        }
      };

  private final KeyedStateBackend<String> backend;
  private final ValueState<Long> count;
  private final ReducingState<Long> sum;
  private final MapState<String, Long> perAction;
  private final ListState<Long> lastFive;
  private final AggregatingState<Long, Double> mean;
  private final List<Long> scratch = new ArrayList<>(6);

  /** Registers the five states on {@code backend}. */
  public UserActivity(KeyedStateBackend<String> backend) {
    this.backend = backend;
    count = backend.getState(StateDescriptors.value("count", Serializers.LONG, 0L));
    sum = backend.getState(StateDescriptors.reducing("sum", Long::sum, Serializers.LONG));
    perAction = backend.getState(StateDescriptors.map("per-action", Serializers.STRING, Serializers.LONG));
    lastFive = backend.getState(StateDescriptors.list("last-five", Serializers.LONG));
    mean = backend.getState(StateDescriptors.aggregating("mean", MEAN, Serializers.record(Mean.class)));
  }

  /** Applies one event. */
  public void process(String user, String action, long amount) {
    backend.setCurrentKey(user);
    count.update(count.value() + 1);
    sum.add(amount);
    Long n = perAction.get(action);
    perAction.put(action, n == null ? 1 : n + 1);
    scratch.clear();
    lastFive.get().forEach(scratch::add);
    if (scratch.size() < 5) {
      lastFive.add(amount);
    } else {
      scratch.remove(0);
      scratch.add(amount);
      lastFive.update(scratch);
    }
    mean.add(amount);
  }

  /** Returns the output line of {@code user}: {@code user,count,sum,views,clicks,purchases,last5,mean}. */
  public String line(String user) {
    backend.setCurrentKey(user);
    StringBuilder out = new StringBuilder(user).append(',').append(count.value()).append(',').append(sum.get());
    for (String action : ACTIONS) {
      Long n = perAction.get(action);
      out.append(',').append(n == null ? 0 : n);
    }
    out.append(',');
    String separator = "";
    for (Long amount : lastFive.get()) {
      out.append(separator).append(amount);
      separator = " ";
    }
    return out.append(',').append(String.format(Locale.ROOT, "%.2f", mean.get())).toString();
  }
}
