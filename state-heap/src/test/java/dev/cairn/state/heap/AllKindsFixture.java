package dev.cairn.state.heap;

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
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One state of each kind (and a value state of mutable {@code byte[]} values) over {@code Long}
 * keys, with random mutations and a plain dump of everything for comparisons.
 */
final class AllKindsFixture {

  static final ValueStateDescriptor<Long> VALUE = StateDescriptors.value("value", Serializers.LONG);
  static final ValueStateDescriptor<byte[]> BYTES = StateDescriptors.value("bytes", Serializers.BYTES);
  static final ListStateDescriptor<Long> LIST = StateDescriptors.list("list", Serializers.LONG);
  static final MapStateDescriptor<String, Long> MAP = StateDescriptors.map("map", Serializers.STRING, Serializers.LONG);
  static final ReducingStateDescriptor<Long> SUM = StateDescriptors.reducing("sum", Long::sum, Serializers.LONG);
  static final AggregatingStateDescriptor<Long, Long, String> AGGREGATE =
      StateDescriptors.aggregating("aggregate", new SumAsText(), Serializers.LONG);
  static final List<StateDescriptor<?>> DESCRIPTORS = List.of(VALUE, BYTES, LIST, MAP, SUM, AGGREGATE);

  final KeyedStateBackend<Long> backend;
  final ValueState<Long> value;
  final ValueState<byte[]> bytes;
  final ListState<Long> list;
  final MapState<String, Long> map;
  final ReducingState<Long> sum;
  final AggregatingState<Long, String> aggregate;

  AllKindsFixture(KeyedStateBackend<Long> backend) {
    this.backend = backend;
    value = backend.getState(VALUE);
    bytes = backend.getState(BYTES);
    list = backend.getState(LIST);
    map = backend.getState(MAP);
    sum = backend.getState(SUM);
    aggregate = backend.getState(AGGREGATE);
  }

  static KeyedStateBackend<Long> newBackend() {
    return HeapStateBackend.builder(Serializers.LONG).build();
  }

  static KeyedStateBackend<Long> newBackend(KeyGroupRange range) {
    return HeapStateBackend.builder(Serializers.LONG).keyGroupRange(range).build();
  }

  /** Gives keys {@code 0 .. keys-1} state in every kind. */
  void fill(int keys) {
    for (long key = 0; key < keys; key++) {
      backend.setCurrentKey(key);
      value.update(key * 10);
      bytes.update(new byte[] {(byte) key, 1, 2});
      list.addAll(List.of(key, key + 1));
      map.put("a" + key, key);
      map.put("null", null);
      sum.add(key);
      aggregate.add(key);
    }
  }

  /** Applies one random mutation, to keys below {@code keyBound} (new keys included). */
  void mutate(Random random, int keyBound) {
    backend.setCurrentKey((long) random.nextInt(keyBound));
    long n = random.nextInt(1000);
    switch (random.nextInt(16)) {
      case 0 -> value.update(n);
      case 1 -> value.clear();
      case 2 -> bytes.update(new byte[] {(byte) n});
      case 3 -> list.add(n);
      case 4 -> list.addAll(List.of(n, n + 1));
      case 5 -> list.update(List.of(n));
      case 6 -> list.clear();
      case 7 -> map.put("k" + n % 5, n);
      case 8 -> map.put("k" + n % 5, null);
      case 9 -> map.remove("k" + n % 5);
      case 10 -> removeEveryOther(map.iterator());
      case 11 -> map.clear();
      case 12 -> sum.add(n);
      case 13 -> sum.clear();
      case 14 -> aggregate.add(n);
      default -> aggregate.clear();
    }
  }

  private static void removeEveryOther(Iterator<?> iterator) {
    boolean remove = true;
    while (iterator.hasNext()) {
      iterator.next();
      if (remove) {
        iterator.remove();
      }
      remove = !remove;
    }
  }

  /**
   * Returns state name -> key -> content (value, list of elements, map, or hex of bytes), in key
   * order; registers the states on {@code backend}. Keeps the current key.
   */
  static Map<String, Map<Long, Object>> dump(KeyedStateBackend<Long> backend) {
    AllKindsFixture states = new AllKindsFixture(backend);
    Long previous = backend.getCurrentKey();
    Map<String, Map<Long, Object>> dump = new TreeMap<>();
    for (StateDescriptor<?> descriptor : DESCRIPTORS) {
      Map<Long, Object> perKey = new TreeMap<>();
      List<Long> keys;
      try (Stream<Long> stream = backend.keys(descriptor.name())) {
        keys = stream.toList();
      }
      for (Long key : keys) {
        backend.setCurrentKey(key);
        perKey.put(key, states.read(descriptor));
      }
      dump.put(descriptor.name(), perKey);
    }
    if (previous != null) {
      backend.setCurrentKey(previous);
    }
    return dump;
  }

  private Object read(StateDescriptor<?> descriptor) {
    return switch (descriptor.name()) {
      case "value" -> value.value();
      case "bytes" -> HexFormat.of().formatHex(bytes.value());
      case "list" -> {
        List<Long> elements = new ArrayList<>();
        list.get().forEach(elements::add);
        yield elements;
      }
      case "map" -> {
        Map<String, Long> entries = new TreeMap<>();
        map.entries().forEach(e -> entries.put(e.getKey(), e.getValue()));
        yield entries;
      }
      case "sum" -> sum.get();
      default -> aggregate.get();
    };
  }

  /** Writes {@code snapshot} to a new in-memory store and closes it. */
  static MemorySnapshotStore write(StateSnapshot snapshot, String description) {
    MemorySnapshotStore store = new MemorySnapshotStore(description);
    try (snapshot) {
      snapshot.writeTo(store);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return store;
  }

  /** Returns a new backend restored from {@code inputs}, over all key groups. */
  static KeyedStateBackend<Long> restored(SnapshotInput... inputs) {
    KeyedStateBackend<Long> backend = newBackend();
    Snapshotable.of(backend).restore(List.of(inputs));
    return backend;
  }

  /** Sums its inputs; the result is the sum as text. */
  static final class SumAsText implements AggregateFunction<Long, Long, String> {
    @Override
    public Long createAccumulator() {
      return 0L;
    }

    @Override
    public Long add(Long value, Long accumulator) {
      return accumulator + value;
    }

    @Override
    public String getResult(Long accumulator) {
      return "sum " + accumulator;
    }
  }
}
