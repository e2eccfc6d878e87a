package dev.cairn.state.kit;

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
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.serde.Serializers;
import java.util.List;
import java.util.Random;

/**
 * One state of each kind, with scalar serializers, for tests that exercise all kinds at once
 * (snapshots, the model-based test). Backends' own tests may reuse the descriptors.
 */
public final class AllKinds {

  public static final ValueStateDescriptor<String> VALUE = StateDescriptors.value("value-state", Serializers.STRING);
  public static final ListStateDescriptor<Long> LIST = StateDescriptors.list("list-state", Serializers.LONG);
  public static final MapStateDescriptor<Integer, String> MAP =
      StateDescriptors.map("map-state", Serializers.INT, Serializers.STRING);
  public static final ReducingStateDescriptor<Long> REDUCING =
      StateDescriptors.reducing("reducing-state", Long::sum, Serializers.LONG);
  public static final AggregatingStateDescriptor<Integer, Long, String> AGGREGATING =
      StateDescriptors.aggregating("aggregating-state", Describe.INSTANCE, Serializers.LONG);

  /** Every descriptor above. */
  static final StateDescriptor<?>[] ALL = {VALUE, LIST, MAP, REDUCING, AGGREGATING};

  /** Sums integers into a long; the result is "sum=N". */
  public enum Describe implements AggregateFunction<Integer, Long, String> {
    INSTANCE;

    @Override
    public Long createAccumulator() {
      return 0L;
    }

    @Override
    public Long add(Integer value, Long accumulator) {
      return accumulator + value;
    }

    @Override
    public String getResult(Long accumulator) {
      return "sum=" + accumulator;
    }
  }

  final KeyedStateBackend<Long> backend;
  final ValueState<String> value;
  final ListState<Long> list;
  final MapState<Integer, String> map;
  final ReducingState<Long> reducing;
  final AggregatingState<Integer, String> aggregating;

  /** Registers every state on {@code backend}. */
  AllKinds(KeyedStateBackend<Long> backend) {
    this.backend = backend;
    value = backend.getState(VALUE);
    list = backend.getState(LIST);
    map = backend.getState(MAP);
    reducing = backend.getState(REDUCING);
    aggregating = backend.getState(AGGREGATING);
  }

  /**
   * Gives keys {@code [from, to)} state in every kind: a value, a list of two elements, a map of
   * two entries (one mapped to null), a reduced and an aggregated value.
   */
  AllKinds fill(long from, long to) {
    for (long key = from; key < to; key++) {
      backend.setCurrentKey(key);
      value.update("v" + key);
      list.addAll(List.of(key, -key));
      map.put((int) key, "m" + key);
      map.put(-1, null);
      reducing.add(key);
      reducing.add(1L);
      aggregating.add((int) key);
    }
    return this;
  }

  /** Applies one random change to a random key of {@code [0, keys)}: any kind, any operation. */
  void mutate(Random random, int keys) {
    long key = random.nextInt(keys);
    backend.setCurrentKey(key);
    int n = random.nextInt(100);
    switch (random.nextInt(14)) {
      case 0 -> value.update("x" + n);
      case 1 -> value.clear();
      case 2 -> list.add((long) n);
      case 3 -> list.update(List.of((long) n));
      case 4 -> list.clear();
      case 5 -> map.put(n % 5, n % 2 == 0 ? null : "y" + n);
      case 6 -> map.remove(n % 5);
      case 7 -> {
        var it = map.iterator();
        if (it.hasNext()) {
          it.next();
          it.remove();
        }
      }
      case 8 -> map.clear();
      case 9 -> reducing.add((long) n);
      case 10 -> reducing.clear();
      case 11 -> aggregating.add(n);
      case 12 -> aggregating.clear();
      default -> list.addAll(List.of());
    }
  }
}
