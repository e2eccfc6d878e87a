package dev.cairn.ttl;

import dev.cairn.state.StateKind;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.spi.BackendView;
import dev.cairn.state.spi.StateMetaInfo;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * A view over the wrapped backend's view: states with TTL show their users' values, without the
 * envelopes, and never an expired entry, judged at the time the view was taken (a view cannot clean
 * up, so it hides expired entries under either visibility setting). Keys whose state has all
 * expired are not listed. States without TTL pass through.
 */
final class TtlStateView<K> implements BackendView<K> {

  /** A state with TTL: its kind and configuration. */
  record TtlInfo(StateKind kind, TtlConfig config) {}

  private final BackendView<K> inner;
  private final Map<String, TtlInfo> ttl;
  private final Map<String, StateMetaInfo> states;
  private final long now;

  /**
   * @param ttl the states with TTL, by name
   * @param metas the meta info users registered them with (the wrapped view has the envelopes')
   * @param now the view's time (ms of the decorator's clock)
   */
  TtlStateView(BackendView<K> inner, Map<String, TtlInfo> ttl, Map<String, StateMetaInfo> metas, long now) {
    this.inner = inner;
    this.ttl = Map.copyOf(ttl);
    Map<String, StateMetaInfo> states = new LinkedHashMap<>(inner.states());
    states.replaceAll((name, meta) -> metas.getOrDefault(name, meta));
    this.states = Collections.unmodifiableMap(states);
    this.now = now;
  }

  @Override
  public Map<String, StateMetaInfo> states() {
    return states;
  }

  @Override
  public Object get(String state, K key) {
    Object stored = inner.get(state, key);
    TtlInfo info = ttl.get(state);
    if (info == null || stored == null) {
      return stored;
    }
    if (info.kind() != StateKind.LIST) {
      return live(info, stored);
    }
    List<Object> elements = new ArrayList<>();
    for (Object element : (List<?>) stored) {
      Object value = live(info, element);
      if (value != null) {
        elements.add(value);
      }
    }
    return elements.isEmpty() ? null : Collections.unmodifiableList(elements);
  }

  @Override
  public Map.Entry<Object, Object> mapEntry(String state, K key, Object userKey) {
    Map.Entry<Object, Object> entry = inner.mapEntry(state, key, userKey);
    TtlInfo info = ttl.get(state);
    return info == null || entry == null ? entry : unwrap(info, entry);
  }

  @Override
  public Iterator<Map.Entry<Object, Object>> mapEntries(String state, K key) {
    Iterator<Map.Entry<Object, Object>> entries = inner.mapEntries(state, key);
    TtlInfo info = ttl.get(state);
    if (info == null) {
      return entries;
    }
    return new Iterator<>() {
      private Map.Entry<Object, Object> next;

      @Override
      public boolean hasNext() {
        while (next == null && entries.hasNext()) {
          next = unwrap(info, entries.next());
        }
        return next != null;
      }

      @Override
      public Map.Entry<Object, Object> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Map.Entry<Object, Object> entry = next;
        next = null;
        return entry;
      }
    };
  }

  @Override
  public Iterator<K> keys(String state) {
    return liveKeys(state, inner.keys(state));
  }

  @Override
  public Iterator<K> keys(String state, K from, K to) {
    return liveKeys(state, inner.keys(state, from, to));
  }

  @Override
  public void release() {
    inner.release();
  }

  /** Drops the keys whose state has all expired. */
  private Iterator<K> liveKeys(String state, Iterator<K> keys) {
    TtlInfo info = ttl.get(state);
    if (info == null) {
      return keys;
    }
    Predicate<K> live = info.kind() == StateKind.MAP
        ? key -> mapEntries(state, key).hasNext()
        : key -> get(state, key) != null;
    return new Iterator<>() {
      private K next;

      @Override
      public boolean hasNext() {
        while (next == null && keys.hasNext()) {
          K key = keys.next();
          if (live.test(key)) {
            next = key;
          }
        }
        return next != null;
      }

      @Override
      public K next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        K key = next;
        next = null;
        return key;
      }
    };
  }

  /** Returns the user's value of an envelope, or null if it expired. */
  private Object live(TtlInfo info, Object stored) {
    TtlValue<?> envelope = (TtlValue<?>) stored;
    return info.config().isExpired(envelope.lastAccess(), now) ? null : envelope.value();
  }

  /** Returns the entry with the user's value, or null if it expired (map values may be null, envelopes never). */
  private Map.Entry<Object, Object> unwrap(TtlInfo info, Map.Entry<Object, Object> entry) {
    TtlValue<?> envelope = (TtlValue<?>) entry.getValue();
    if (info.config().isExpired(envelope.lastAccess(), now)) {
      return null;
    }
    return new AbstractMap.SimpleImmutableEntry<>(entry.getKey(), envelope.value());
  }
}
