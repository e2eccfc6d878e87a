package dev.cairn.ttl;

import dev.cairn.state.ListState;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A {@link ListState} with TTL: every element carries its own timestamp. */
final class TtlListState<K, T> extends TtlState<K> implements ListState<T> {

  private final ListState<TtlValue<T>> inner;

  TtlListState(TtlBackend<K> backend, ListStateDescriptor<T> descriptor, TtlConfig config) {
    this(backend, descriptor, config,
        StateDescriptors.list(descriptor.name(), new TtlSerializer<>(descriptor.valueSerializer(), false)));
  }

  private TtlListState(
      TtlBackend<K> backend, ListStateDescriptor<T> descriptor, TtlConfig config,
      ListStateDescriptor<TtlValue<T>> innerDescriptor) {
    super(backend, descriptor, config, innerDescriptor);
    this.inner = backend.inner.getState(innerDescriptor);
  }

  @Override
  public Iterable<T> get() {
    long now = access();
    List<T> result = new ArrayList<>();
    List<TtlValue<T>> kept = new ArrayList<>();
    boolean expired = false;
    for (TtlValue<T> element : inner.get()) {
      if (isExpired(element, now)) {
        expired = true;
        if (returnExpired) {
          result.add(element.value());
        }
      } else {
        result.add(element.value());
        kept.add(refreshOnRead ? new TtlValue<>(now, element.value()) : element);
      }
    }
    if (expired || (refreshOnRead && !kept.isEmpty())) {
      inner.update(kept);
    }
    return Collections.unmodifiableList(result); // read-only on every backend
  }

  @Override
  public void add(T value) {
    backend.requireKey(name);
    if (value == null) {
      throw nullElement();
    }
    inner.add(new TtlValue<>(writeAccess(), value));
  }

  @Override
  public void addAll(List<T> values) {
    List<TtlValue<T>> wrapped = wrapAll(values);
    if (!wrapped.isEmpty()) {
      inner.addAll(wrapped);
    }
  }

  @Override
  public void update(List<T> values) {
    inner.update(wrapAll(values));
  }

  @Override
  public void clear() {
    access();
    inner.clear();
  }

  /** Validates first (no change on a null element), then wraps every element with the access time. */
  private List<TtlValue<T>> wrapAll(List<T> values) {
    backend.requireKey(name);
    if (values == null) {
      throw new NullPointerException("state '" + name + "': the list of values must not be null");
    }
    for (T value : values) {
      if (value == null) {
        throw nullElement();
      }
    }
    long now = writeAccess();
    List<TtlValue<T>> wrapped = new ArrayList<>(values.size());
    for (T value : values) {
      wrapped.add(new TtlValue<>(now, value));
    }
    return wrapped;
  }

  private NullPointerException nullElement() {
    return new NullPointerException("state '" + name + "': list state elements must not be null");
  }

  @Override
  boolean purgeExpired(long now) {
    List<TtlValue<T>> kept = new ArrayList<>();
    boolean expired = false;
    for (TtlValue<T> element : inner.get()) {
      if (isExpired(element, now)) {
        expired = true;
      } else {
        kept.add(element);
      }
    }
    if (expired) {
      inner.update(kept);
    }
    return expired;
  }

  @Override
  boolean hasLive(long now) {
    for (TtlValue<T> element : inner.get()) {
      if (!isExpired(element, now)) {
        return true;
      }
    }
    return false;
  }
}
