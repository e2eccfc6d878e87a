package dev.cairn.ttl;

import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * A {@link MapState} with TTL: every map value is an envelope with its own timestamp (present for
 * keys mapped to null too, so {@code contains} and expiry work for them).
 */
final class TtlMapState<K, UK, UV> extends TtlState<K> implements MapState<UK, UV> {

  private final MapState<UK, TtlValue<UV>> inner;

  TtlMapState(TtlBackend<K> backend, MapStateDescriptor<UK, UV> descriptor, TtlConfig config) {
    this(backend, descriptor, config,
        StateDescriptors.map(
            descriptor.name(), descriptor.userKeySerializer(), new TtlSerializer<>(descriptor.valueSerializer(), true)));
  }

  private TtlMapState(
      TtlBackend<K> backend, MapStateDescriptor<UK, UV> descriptor, TtlConfig config,
      MapStateDescriptor<UK, TtlValue<UV>> innerDescriptor) {
    super(backend, descriptor, config, innerDescriptor);
    this.inner = backend.inner.getState(innerDescriptor);
  }

  @Override
  public UV get(UK key) {
    TtlValue<UV> stored = read(key, access());
    return stored == null ? null : stored.value();
  }

  @Override
  public boolean contains(UK key) {
    return read(key, access()) != null;
  }

  /** Reads an entry with expiry, lazy cleanup and refresh on read; null when absent (or hidden). */
  private TtlValue<UV> read(UK key, long now) {
    TtlValue<UV> stored = inner.get(key);
    if (stored == null) {
      return null;
    }
    if (isExpired(stored, now)) {
      inner.remove(key);
      return returnExpired ? stored : null;
    }
    if (refreshOnRead) {
      inner.put(key, new TtlValue<>(now, stored.value()));
    }
    return stored;
  }

  @Override
  public void put(UK key, UV value) {
    inner.put(key, new TtlValue<>(writeAccess(), value));
  }

  @Override
  public void putAll(Map<UK, UV> map) {
    long now = writeAccess();
    if (map.isEmpty()) {
      return;
    }
    Map<UK, TtlValue<UV>> wrapped = new LinkedHashMap<>();
    map.forEach((k, v) -> wrapped.put(k, new TtlValue<>(now, v)));
    inner.putAll(wrapped); // rejects null keys before writing anything
  }

  @Override
  public void remove(UK key) {
    access();
    inner.remove(key);
  }

  @Override
  public Iterable<Map.Entry<UK, UV>> entries() {
    return view(Function.identity());
  }

  @Override
  public Iterable<UK> keys() {
    return view(Map.Entry::getKey);
  }

  @Override
  public Iterable<UV> values() {
    return view(Map.Entry::getValue);
  }

  @Override
  public Iterator<Map.Entry<UK, UV>> iterator() {
    return new EntryIterator<>(access(), refreshOnRead, Function.identity());
  }

  @Override
  public boolean isEmpty() {
    long now = access();
    if (returnExpired) {
      return inner.isEmpty();
    }
    return !new EntryIterator<>(now, false, Function.identity()).hasNext();
  }

  @Override
  public void clear() {
    access();
    inner.clear();
  }

  private <T> Iterable<T> view(Function<Map.Entry<UK, UV>, T> view) {
    backend.requireKey(name);
    return () -> new EntryIterator<>(access(), refreshOnRead, view);
  }

  @Override
  boolean purgeExpired(long now) {
    boolean expired = false;
    for (Iterator<Map.Entry<UK, TtlValue<UV>>> it = inner.iterator(); it.hasNext(); ) {
      if (isExpired(it.next().getValue(), now)) {
        it.remove();
        expired = true;
      }
    }
    return expired;
  }

  @Override
  boolean hasLive(long now) {
    for (Map.Entry<UK, TtlValue<UV>> entry : inner.entries()) {
      if (!isExpired(entry.getValue(), now)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Iterates the current key's map, removing the expired entries it meets: hidden, or returned once
   * when they may be. Streams the wrapped map's iterator and removes through it while it stands on the entry
   * to remove; when that is no longer so (a {@code hasNext()} looked ahead before {@code remove()}),
   * or when reads refresh timestamps (writes during iteration), it works on a copy of the rest of
   * the map and writes through the state instead.
   */
  private final class EntryIterator<T> implements Iterator<T> {

    private final long now;
    private final boolean refresh;
    private final Function<Map.Entry<UK, UV>, T> view;
    private Iterator<Map.Entry<UK, TtlValue<UV>>> source;
    private boolean sourceIsInner;
    private Map.Entry<UK, TtlValue<UV>> next;
    private UK last;
    private boolean removable;
    private boolean lastCleanedUp;
    private boolean sourceOnLast;

    EntryIterator(long now, boolean refresh, Function<Map.Entry<UK, UV>, T> view) {
      this.now = now;
      this.refresh = refresh;
      this.view = view;
      this.source = inner.iterator();
      this.sourceIsInner = true;
      if (refresh) {
        copyRest();
      }
    }

    @Override
    public boolean hasNext() {
      while (next == null && source.hasNext()) {
        Map.Entry<UK, TtlValue<UV>> entry = source.next();
        sourceOnLast = false;
        if (isExpired(entry.getValue(), now) && !returnExpired) {
          removeFromSource(entry.getKey());
        } else {
          next = entry;
        }
      }
      return next != null;
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Map.Entry<UK, TtlValue<UV>> entry = next;
      next = null;
      last = entry.getKey();
      removable = true;
      sourceOnLast = true;
      UV value = entry.getValue().value();
      lastCleanedUp = isExpired(entry.getValue(), now);
      if (lastCleanedUp) {
        removeFromSource(last); // returned once (the visibility allows it), then cleaned up as get() does
      } else if (refresh) {
        inner.put(last, new TtlValue<>(now, value));
      }
      return view.apply(new AbstractMap.SimpleImmutableEntry<>(last, value));
    }

    @Override
    public void remove() {
      if (!removable) {
        throw new IllegalStateException("next() was not called, or remove() was already called after it");
      }
      removable = false;
      if (lastCleanedUp) {
        return;
      }
      if (sourceOnLast) {
        removeFromSource(last);
      } else {
        copyRest();
        inner.remove(last);
      }
    }

    private void removeFromSource(UK key) {
      if (sourceIsInner) {
        source.remove();
      } else {
        inner.remove(key);
      }
    }

    /** Continues over a copy of what the wrapped iterator has left, so that writes go through the state. */
    private void copyRest() {
      if (!sourceIsInner) {
        return;
      }
      List<Map.Entry<UK, TtlValue<UV>>> rest = new ArrayList<>();
      source.forEachRemaining(rest::add);
      source = rest.iterator();
      sourceIsInner = false;
    }
  }
}
