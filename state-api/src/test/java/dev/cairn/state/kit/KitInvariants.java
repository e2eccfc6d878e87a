package dev.cairn.state.kit;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.State;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.spi.Snapshotable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The backends each test made, and the checks run on them after the test (in the spirit of
 * Caffeine's validation interceptor): they catch what single assertions miss.
 */
final class KitInvariants {

  private static final int SAMPLE = 1_000;
  private static final Map<Object, List<TrackingBackend<?>>> BACKENDS = new IdentityHashMap<>();

  private KitInvariants() {}

  static synchronized void track(Object test, TrackingBackend<?> backend) {
    BACKENDS.computeIfAbsent(test, t -> new ArrayList<>()).add(backend);
  }

  private static synchronized List<TrackingBackend<?>> release(Object test) {
    List<TrackingBackend<?>> backends = BACKENDS.remove(test);
    return backends == null ? List.of() : backends;
  }

  /** Checks every open backend of {@code test}, closes them all, then throws the first failure. */
  static void checkAndClose(KitSupport test) {
    Throwable failure = null;
    for (TrackingBackend<?> backend : release(test)) {
      if (backend.closeCalled) {
        continue;
      }
      try {
        check(test, backend);
      } catch (Throwable t) {
        failure = firstOf(failure, t);
      } finally {
        try {
          backend.delegate.close();
        } catch (Throwable t) {
          failure = firstOf(failure, t);
        }
      }
    }
    if (failure instanceof AssertionError e) {
      throw e;
    }
    if (failure != null) {
      throw new AssertionError("invariant check failed: " + failure, failure);
    }
  }

  private static Throwable firstOf(Throwable first, Throwable next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  private static <K> void check(KitSupport kit, TrackingBackend<K> tracked) {
    KeyedStateBackend<K> backend = tracked.delegate;
    if (tracked.registered.isEmpty()) {
      return;
    }
    if (tracked.tooManyKeys) {
      checkSample(backend, tracked.registered.values());
      return;
    }
    Map<String, Map<Object, K>> listed = new HashMap<>();
    for (String name : tracked.registered.keySet()) {
      Map<Object, K> keys = byNormalized(StateContents.keys(backend, name));
      if (keys.size() > TrackingBackend.KEY_LIMIT) {
        checkSample(backend, tracked.registered.values());
        return;
      }
      listed.put(name, keys);
    }
    Map<Object, K> candidates = new LinkedHashMap<>(tracked.keysSet);
    listed.values().forEach(candidates::putAll);

    Map<String, Map<Object, Object>> expected = new HashMap<>();
    for (StateDescriptor<?> descriptor : tracked.registered.values()) {
      Map<Object, Object> perKey = readAll(backend, descriptor, candidates);
      checkListedExactlyWhenSet(descriptor, perKey, listed.get(descriptor.name()).keySet());
      expected.put(descriptor.name(), perKey);
    }
    checkSnapshotRoundTrip(kit, backend, tracked.registered.values(), candidates, listed, expected);
  }

  /** {@code keys(state)} lists a key exactly when the key reads as set. */
  private static void checkListedExactlyWhenSet(
      StateDescriptor<?> descriptor, Map<Object, Object> perKey, Set<Object> listed) {
    perKey.forEach(
        (key, content) -> {
          boolean unset = StateContents.isUnset(descriptor, content);
          if (!unset && !listed.contains(key)) {
            throw new AssertionError(
                "state '" + descriptor.name() + "': key " + key + " reads " + content
                    + " but keys() does not list it");
          }
          if (unset && listed.contains(key) && !hasDefault(descriptor)) {
            throw new AssertionError(
                "state '" + descriptor.name() + "': keys() lists key " + key + " but it reads " + content);
          }
        });
  }

  /** A snapshot restored into a fresh backend lists the same keys and reads the same. */
  private static <K> void checkSnapshotRoundTrip(
      KitSupport kit,
      KeyedStateBackend<K> backend,
      Iterable<StateDescriptor<?>> descriptors,
      Map<Object, K> candidates,
      Map<String, Map<Object, K>> listed,
      Map<String, Map<Object, Object>> expected) {
    MemorySnapshotStore store = kit.snapshotOf(backend);
    try (KeyedStateBackend<K> fresh =
        kit.createBackend(backend.keySerializer(), backend.maxParallelism(), backend.keyGroupRange())) {
      Snapshotable.of(fresh).restore(List.of(store.input()));
      for (StateDescriptor<?> descriptor : descriptors) {
        fresh.getState(descriptor);
        Set<Object> restoredKeys = byNormalized(StateContents.keys(fresh, descriptor.name())).keySet();
        Set<Object> keys = listed.get(descriptor.name()).keySet();
        if (!restoredKeys.equals(keys)) {
          throw new AssertionError(
              "state '" + descriptor.name() + "': after snapshot and restore keys() lists "
                  + restoredKeys + ", expected " + keys);
        }
        Map<Object, Object> restored = readAll(fresh, descriptor, candidates);
        if (!restored.equals(expected.get(descriptor.name()))) {
          throw new AssertionError(
              "state '" + descriptor.name() + "': after snapshot and restore reads " + restored
                  + ", expected " + expected.get(descriptor.name()));
        }
      }
    }
  }

  private static <K> Map<Object, Object> readAll(
      KeyedStateBackend<K> backend, StateDescriptor<?> descriptor, Map<Object, K> keys) {
    State state = backend.getState(descriptor);
    Map<Object, Object> perKey = new HashMap<>();
    keys.forEach(
        (normalized, key) -> {
          backend.setCurrentKey(key);
          perKey.put(normalized, StateContents.read(descriptor, state));
        });
    return perKey;
  }

  /** With many keys: the first listed keys of each state must read as set. */
  private static <K> void checkSample(
      KeyedStateBackend<K> backend, Iterable<StateDescriptor<?>> descriptors) {
    for (StateDescriptor<?> descriptor : descriptors) {
      State state = backend.getState(descriptor);
      List<K> sample;
      try (Stream<K> keys = backend.keys(descriptor.name())) {
        sample = keys.limit(SAMPLE).toList();
      }
      for (K key : sample) {
        backend.setCurrentKey(key);
        Object content = StateContents.read(descriptor, state);
        if (StateContents.isUnset(descriptor, content) && !hasDefault(descriptor)) {
          throw new AssertionError(
              "state '" + descriptor.name() + "': keys() lists key " + key + " but it reads " + content);
        }
      }
    }
  }

  private static boolean hasDefault(StateDescriptor<?> descriptor) {
    return descriptor instanceof ValueStateDescriptor<?> value && value.defaultValue() != null;
  }

  private static <K> Map<Object, K> byNormalized(Set<K> keys) {
    return keys.stream()
        .collect(Collectors.toMap(StateContents::normalize, k -> k, (a, b) -> a, LinkedHashMap::new));
  }
}
