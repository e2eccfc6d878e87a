package dev.cairn.state.kit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/** One random sequence: the backend under test, the oracle, and a pending snapshot. */
final class ModelRun {
  private final KitSupport kit;
  private final long seed;
  private final int keys;
  private final Random random;
  private final Oracle oracle = new Oracle();
  private final int restoreEvery;
  private AllKinds states;
  private StateSnapshot pending;
  private Oracle atPending;
  private int op;
  private String last = "start";

  /**
   * @param kit makes the backends
   * @param seed the seed of the operation sequence
   * @param keys the number of distinct keys
   * @param restoreEvery a snapshot is taken and restored once in this many operations
   */
  ModelRun(KitSupport kit, long seed, int keys, int restoreEvery) {
    this.kit = kit;
    this.seed = seed;
    this.keys = keys;
    this.restoreEvery = restoreEvery;
    this.random = new Random(seed);
    this.states = new AllKinds(kit.backend());
  }

  void run(int operations) {
    for (op = 0; op < operations; op++) {
      long key = random.nextInt(keys);
      states.backend.setCurrentKey(key);
      last = apply(key);
      compareKey(key);
      if (op % 250 == 249) {
        assertThat(kit.contents(states.backend, AllKinds.ALL)).as(context("all keys")).isEqualTo(oracle.contents());
      }
      if (op % restoreEvery == restoreEvery / 3) {
        pending = Snapshotable.of(states.backend).snapshot(op);
        atPending = oracle.copy();
      }
      if (op % restoreEvery == restoreEvery - 1 && pending != null) {
        restorePending();
      }
    }
    if (pending != null) {
      pending.close();
    }
  }

  /** Writes the pending snapshot, restores it, compares; then goes on with either backend. */
  private void restorePending() {
    MemorySnapshotStore store = kit.write(pending);
    pending.close();
    pending = null;
    KeyedStateBackend<Long> restored = kit.restored(states.backend, store.input());
    assertThat(kit.contents(restored, AllKinds.ALL))
        .as(context("restored snapshot"))
        .isEqualTo(atPending.contents());
    if (random.nextBoolean()) {
      states.backend.close();
      states = new AllKinds(restored);
      oracle.replaceWith(atPending);
      last = "continued on the restored backend";
    } else {
      restored.close();
    }
  }

  private String context(String what) {
    return "seed " + seed + ", operation " + op + " (" + last + "): " + what;
  }

  private void compareKey(long key) {
    Map<String, Map<Object, Object>> want = oracle.contentsOf(key);
    for (var descriptor : AllKinds.ALL) {
      Object expected = want.get(descriptor.name()).get(key);
      Object actual = StateContents.read(descriptor, states.backend.getState(descriptor));
      if (expected == null) {
        assertThat(StateContents.isUnset(descriptor, actual))
            .as(context(descriptor.name() + " of key " + key + " should be unset but reads " + actual))
            .isTrue();
      } else {
        assertThat(actual).as(context(descriptor.name() + " of key " + key)).isEqualTo(expected);
      }
    }
  }

  private boolean npe(Runnable call) {
    try {
      call.run();
      return false;
    } catch (NullPointerException expected) {
      return true;
    }
  }

  private List<Long> someLongs(boolean maybeNull) {
    List<Long> values = new ArrayList<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      values.add(maybeNull && random.nextInt(4) == 0 ? null : (long) random.nextInt(1000));
    }
    return values;
  }

  /** Applies one random operation to the current key, in the backend and in the oracle. */
  private String apply(long key) {
    int n = random.nextInt(1000);
    int userKey = random.nextInt(6);
    switch (random.nextInt(22)) {
      case 0, 1 -> {
        states.value.update("s" + n);
        oracle.value.put(key, "s" + n);
        return "value.update(s" + n + ")";
      }
      case 2 -> {
        states.value.update(null);
        oracle.value.remove(key);
        return "value.update(null)";
      }
      case 3 -> {
        states.value.clear();
        oracle.value.remove(key);
        return "value.clear()";
      }
      case 4, 5 -> {
        states.list.add((long) n);
        oracle.list.computeIfAbsent(key, k -> new ArrayList<>()).add((long) n);
        return "list.add(" + n + ")";
      }
      case 6 -> {
        List<Long> values = someLongs(true);
        if (!npe(() -> states.list.addAll(values))) {
          assertThat(values).as(context("addAll with a null element must throw")).doesNotContainNull();
          if (!values.isEmpty()) {
            oracle.list.computeIfAbsent(key, k -> new ArrayList<>()).addAll(values);
          }
        } else {
          assertThat(values).as(context("addAll threw NPE without a null element")).containsNull();
        }
        return "list.addAll(" + values + ")";
      }
      case 7 -> {
        List<Long> values = someLongs(true);
        if (!npe(() -> states.list.update(values))) {
          assertThat(values).as(context("update with a null element must throw")).doesNotContainNull();
          if (values.isEmpty()) {
            oracle.list.remove(key);
          } else {
            oracle.list.put(key, new ArrayList<>(values));
          }
        } else {
          assertThat(values).as(context("update threw NPE without a null element")).containsNull();
        }
        return "list.update(" + values + ")";
      }
      case 8 -> {
        states.list.clear();
        oracle.list.remove(key);
        return "list.clear()";
      }
      case 9, 10 -> {
        String value = n % 3 == 0 ? null : "m" + n;
        states.map.put(userKey, value);
        oracle.map.computeIfAbsent(key, k -> new HashMap<>()).put(userKey, value);
        return "map.put(" + userKey + ", " + value + ")";
      }
      case 11 -> {
        Map<Integer, String> entries = new HashMap<>();
        for (int i = random.nextInt(3); i > 0; i--) {
          entries.put(random.nextInt(6), random.nextBoolean() ? null : "p" + i);
        }
        states.map.putAll(entries);
        if (!entries.isEmpty()) {
          oracle.map.computeIfAbsent(key, k -> new HashMap<>()).putAll(entries);
        }
        return "map.putAll(" + entries + ")";
      }
      case 12 -> {
        states.map.remove(userKey);
        oracle.mapRemove(key, userKey);
        return "map.remove(" + userKey + ")";
      }
      case 13 -> {
        List<Integer> removed = new ArrayList<>();
        for (Iterator<Map.Entry<Integer, String>> it = states.map.iterator(); it.hasNext(); ) {
          Map.Entry<Integer, String> entry = it.next();
          if (entry.getKey() % 2 == n % 2) {
            it.remove();
            removed.add(entry.getKey());
          }
        }
        removed.forEach(k -> oracle.mapRemove(key, k));
        return "map.iterator().remove() of " + removed;
      }
      case 14 -> {
        Map<Integer, String> want = oracle.map.getOrDefault(key, Map.of());
        assertThat(states.map.contains(userKey)).as(context("contains " + userKey)).isEqualTo(want.containsKey(userKey));
        assertThat(states.map.get(userKey)).as(context("get " + userKey)).isEqualTo(want.get(userKey));
        assertThat(states.map.isEmpty()).as(context("isEmpty")).isEqualTo(want.isEmpty());
        return "map.contains/get(" + userKey + ")";
      }
      case 15 -> {
        states.map.clear();
        oracle.map.remove(key);
        return "map.clear()";
      }
      case 16 -> {
        states.reducing.add((long) n);
        oracle.reducing.merge(key, (long) n, Long::sum);
        return "reducing.add(" + n + ")";
      }
      case 17 -> {
        states.reducing.clear();
        oracle.reducing.remove(key);
        return "reducing.clear()";
      }
      case 18 -> {
        states.aggregating.add(n);
        oracle.aggregating.merge(key, (long) n, Long::sum);
        return "aggregating.add(" + n + ")";
      }
      case 19 -> {
        states.aggregating.clear();
        oracle.aggregating.remove(key);
        return "aggregating.clear()";
      }
      case 20 -> {
        assertThat(npe(() -> states.list.add(null))).as(context("list.add(null)")).isTrue();
        assertThat(npe(() -> states.reducing.add(null))).as(context("reducing.add(null)")).isTrue();
        assertThat(npe(() -> states.aggregating.add(null))).as(context("aggregating.add(null)")).isTrue();
        return "add(null) everywhere";
      }
      default -> {
        if (n % 10 != 0) {
          return "nothing";
        }
        states.backend.applyToAllKeys(
            AllKinds.VALUE,
            (k, state) -> {
              if (k % 2 == 0) {
                state.clear();
              } else {
                state.update(state.value() + "!");
              }
            });
        oracle.value.entrySet().removeIf(e -> e.getKey() % 2 == 0);
        oracle.value.replaceAll((k, v) -> v + "!");
        assertThat(states.backend.getCurrentKey()).as(context("current key after applyToAllKeys")).isEqualTo(key);
        return "applyToAllKeys(value: clear even keys, append ! to odd)";
      }
    }
  }

  /** What the states should hold: plain hash maps per kind. */
  private static final class Oracle {
    private final Map<Long, String> value = new HashMap<>();
    private final Map<Long, List<Long>> list = new HashMap<>();
    private final Map<Long, Map<Integer, String>> map = new HashMap<>();
    private final Map<Long, Long> reducing = new HashMap<>();
    private final Map<Long, Long> aggregating = new HashMap<>();

    private void mapRemove(long key, int userKey) {
      Map<Integer, String> entries = map.get(key);
      if (entries != null) {
        entries.remove(userKey);
        if (entries.isEmpty()) {
          map.remove(key);
        }
      }
    }

    private Oracle copy() {
      Oracle copy = new Oracle();
      copy.replaceWith(this);
      return copy;
    }

    private void replaceWith(Oracle other) {
      value.clear();
      value.putAll(other.value);
      list.clear();
      other.list.forEach((k, v) -> list.put(k, new ArrayList<>(v)));
      map.clear();
      other.map.forEach((k, v) -> map.put(k, new HashMap<>(v)));
      reducing.clear();
      reducing.putAll(other.reducing);
      aggregating.clear();
      aggregating.putAll(other.aggregating);
    }

    /** Every key's contents, in the shape of {@link KitSupport#contents}. */
    private Map<String, Map<Object, Object>> contents() {
      return contentsOf(null);
    }

    /** The contents of {@code only}, or of every key if null, in the shape of {@link KitSupport#contents}. */
    private Map<String, Map<Object, Object>> contentsOf(Long only) {
      Map<String, Map<Object, Object>> contents = new HashMap<>();
      contents.put(AllKinds.VALUE.name(), select(value, only, v -> v));
      contents.put(AllKinds.LIST.name(), select(list, only, ArrayList<Object>::new));
      contents.put(AllKinds.MAP.name(), select(map, only, HashMap<Object, Object>::new));
      contents.put(AllKinds.REDUCING.name(), select(reducing, only, v -> v));
      contents.put(AllKinds.AGGREGATING.name(), select(aggregating, only, AllKinds.Describe.INSTANCE::getResult));
      return contents;
    }

    private static <V> Map<Object, Object> select(Map<Long, V> perKey, Long only, Function<V, Object> read) {
      Map<Object, Object> selected = new HashMap<>();
      if (only == null) {
        perKey.forEach((key, v) -> selected.put(key, read.apply(v)));
      } else if (perKey.containsKey(only)) {
        selected.put(only, read.apply(perKey.get(only)));
      }
      return selected;
    }
  }
}
