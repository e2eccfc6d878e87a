package dev.cairn.state.kit;

import dev.cairn.state.AggregatingState;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.ReducingState;
import dev.cairn.state.State;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads state into plain, comparable values: a value, a {@code List} of elements, a {@code Map} of
 * entries; byte arrays become {@link Bytes} so that {@code equals} compares contents.
 */
final class StateContents {

  private StateContents() {}

  /** A byte array compared by contents. */
  record Bytes(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return bytes.length <= 32
          ? "bytes[" + HexFormat.of().formatHex(bytes) + "]"
          : "bytes[" + bytes.length + " bytes, hash " + hashCode() + "]";
    }
  }

  /** Returns {@code o}, or a {@link Bytes} copy if it is a byte array. */
  static Object normalize(Object o) {
    return o instanceof byte[] b ? new Bytes(b.clone()) : o;
  }

  /**
   * Reads the current key's content of {@code state}: the normalized value (possibly null) for
   * value, reducing and aggregating state, a list for list state and a map for map state.
   */
  static Object read(StateDescriptor<?> descriptor, State state) {
    return switch (descriptor.kind()) {
      case VALUE -> normalize(((ValueState<?>) state).value());
      case REDUCING -> normalize(((ReducingState<?>) state).get());
      case AGGREGATING -> normalize(((AggregatingState<?, ?>) state).get());
      case LIST -> {
        List<Object> elements = new ArrayList<>();
        for (Object element : ((ListState<?>) state).get()) {
          elements.add(normalize(element));
        }
        yield elements;
      }
      case MAP -> {
        Map<Object, Object> entries = new HashMap<>();
        for (Map.Entry<?, ?> entry : ((MapState<?, ?>) state).entries()) {
          entries.put(normalize(entry.getKey()), normalize(entry.getValue()));
        }
        yield entries;
      }
    };
  }

  /**
   * Returns whether {@code content} (from {@link #read}) is what a key without state reads. For a
   * value state with a default, that is the default.
   */
  static boolean isUnset(StateDescriptor<?> descriptor, Object content) {
    if (content instanceof List<?> list) {
      return list.isEmpty();
    }
    if (content instanceof Map<?, ?> map) {
      return map.isEmpty();
    }
    Object unset =
        descriptor instanceof ValueStateDescriptor<?> value ? normalize(value.defaultValue()) : null;
    return Objects.equals(content, unset);
  }

  /** Returns the keys {@code backend.keys(name)} lists, failing on duplicates. */
  static <K> Set<K> keys(KeyedStateBackend<K> backend, String name) {
    Set<K> keys = new LinkedHashSet<>();
    try (Stream<K> stream = backend.keys(name)) {
      stream.forEach(
          key -> {
            if (!keys.add(key)) {
              throw new AssertionError("keys('" + name + "') lists key " + key + " twice");
            }
          });
    }
    return keys;
  }

  /**
   * Reads every key {@code backend.keys} lists, for each state: state name -> normalized key ->
   * content. Registers the states (so works on a restored backend). Restores the current key.
   */
  static <K> Map<String, Map<Object, Object>> dump(
      KeyedStateBackend<K> backend, Iterable<? extends StateDescriptor<?>> descriptors) {
    K previous = backend.getCurrentKey();
    Map<String, Map<Object, Object>> dump = new HashMap<>();
    for (StateDescriptor<?> descriptor : descriptors) {
      State state = backend.getState(descriptor);
      Map<Object, Object> perKey = new HashMap<>();
      for (K key : keys(backend, descriptor.name())) {
        backend.setCurrentKey(key);
        perKey.put(normalize(key), read(descriptor, state));
      }
      dump.put(descriptor.name(), perKey);
    }
    if (previous != null) {
      backend.setCurrentKey(previous);
    }
    return dump;
  }
}
