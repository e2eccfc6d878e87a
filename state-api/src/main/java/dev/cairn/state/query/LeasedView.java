package dev.cairn.state.query;

import dev.cairn.state.AggregatingStateDescriptor;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.StateKind;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.spi.StateMetaInfo;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A reader's {@link StateView}: a lease on a {@link SharedView}. Checks each descriptor against the
 * state the version holds, then reads through the shared version's lock.
 */
final class LeasedView<K> implements StateView<K> {

  private final SharedView<K> shared;
  private volatile boolean closed;

  LeasedView(SharedView<K> shared) {
    this.shared = shared;
  }

  @Override
  public Instant takenAt() {
    return shared.takenAt;
  }

  @Override
  public <T> T value(ValueStateDescriptor<T> state, K key) {
    Object stored = get(state, StateKind.VALUE, key);
    if (stored == null) {
      T defaultValue = state.defaultValue();
      return defaultValue == null ? null : state.valueSerializer().copy(defaultValue);
    }
    @SuppressWarnings("unchecked")
    T value = (T) stored;
    return value;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> List<T> list(ListStateDescriptor<T> state, K key) {
    Object stored = get(state, StateKind.LIST, key);
    return stored == null ? List.of() : (List<T>) stored;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <UK, UV> UV get(MapStateDescriptor<UK, UV> state, K key, UK userKey) {
    Map.Entry<Object, Object> entry = mapEntry(state, key, userKey);
    return entry == null ? null : (UV) entry.getValue();
  }

  @Override
  public <UK, UV> boolean contains(MapStateDescriptor<UK, UV> state, K key, UK userKey) {
    return mapEntry(state, key, userKey) != null;
  }

  private Map.Entry<Object, Object> mapEntry(MapStateDescriptor<?, ?> state, K key, Object userKey) {
    String name = check(state, StateKind.MAP, key);
    Objects.requireNonNull(userKey, "user key");
    return shared.read(() -> shared.view.mapEntry(name, key, userKey));
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <UK, UV> Stream<Map.Entry<UK, UV>> entries(MapStateDescriptor<UK, UV> state, K key) {
    String name = check(state, StateKind.MAP, key);
    Iterator<Map.Entry<Object, Object>> entries = shared.read(() -> shared.view.mapEntries(name, key));
    return (Stream) stream(entries);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T reduced(ReducingStateDescriptor<T> state, K key) {
    return (T) get(state, StateKind.REDUCING, key);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <IN, ACC, OUT> OUT aggregated(AggregatingStateDescriptor<IN, ACC, OUT> state, K key) {
    Object accumulator = get(state, StateKind.AGGREGATING, key);
    return accumulator == null ? null : state.aggregateFunction().getResult((ACC) accumulator);
  }

  @Override
  public Stream<K> keys(String stateName) {
    checkState(stateName);
    return stream(shared.read(() -> shared.view.keys(stateName)));
  }

  @Override
  public Stream<K> keys(String stateName, K fromInclusive, K toExclusive) {
    Objects.requireNonNull(fromInclusive, "fromInclusive");
    Objects.requireNonNull(toExclusive, "toExclusive");
    checkState(stateName);
    return stream(shared.read(() -> shared.view.keys(stateName, fromInclusive, toExclusive)));
  }

  @Override
  public void close() {
    if (!closed) {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      shared.unlease();
    }
  }

  private Object get(StateDescriptor<?> state, StateKind kind, K key) {
    String name = check(state, kind, key);
    return shared.read(() -> shared.view.get(name, key));
  }

  /** Checks that the view is open, the key not null, and the descriptor that of one of its states. */
  private String check(StateDescriptor<?> descriptor, StateKind kind, K key) {
    Objects.requireNonNull(key, "key");
    StateMetaInfo expected = shared.owner.meta(descriptor);
    StateMetaInfo meta = checkState(descriptor.name());
    if (meta.kind() != kind) {
      throw new IllegalArgumentException("state '" + meta.name() + "' is " + meta.kind() + " state, read as " + kind);
    }
    if (!meta.equals(expected)) {
      throw new IllegalArgumentException("state '" + meta.name() + "' is stored with serializers " + meta
          + ", read with " + expected);
    }
    return descriptor.name();
  }

  private StateMetaInfo checkState(String stateName) {
    Objects.requireNonNull(stateName, "state name");
    checkOpen();
    StateMetaInfo meta = shared.view.states().get(stateName);
    if (meta == null) {
      throw new IllegalArgumentException("no state named '" + stateName + "' in the view taken at " + takenAt()
          + "; its states: " + shared.view.states().keySet());
    }
    return meta;
  }

  private void checkOpen() {
    if (closed) {
      throw new ViewClosedException("the view taken at " + takenAt() + " by " + shared.owner.description()
          + " was closed by its reader");
    }
  }

  /** A stream whose every step reads under the shared version's lock, and fails once the view is closed. */
  private <T> Stream<T> stream(Iterator<T> iterator) {
    Iterator<T> guarded = new Iterator<>() {
      @Override
      public boolean hasNext() {
        checkOpen();
        return shared.read(iterator::hasNext);
      }

      @Override
      public T next() {
        checkOpen();
        return shared.read(iterator::next);
      }
    };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(guarded, Spliterator.NONNULL | Spliterator.ORDERED), false);
  }
}
