package dev.cairn.state.heap;

import java.util.HashMap;
import java.util.Map;

/**
 * A {@link HashMap} stamped with the copy-on-write version it was created in: the per-key maps of map
 * state. A map (or {@link GroupMap}, or {@link VersionedList}) whose version is at most {@link
 * HeapKeyedStateBackend#requiredVersion} may be shared with an open snapshot and is never changed;
 * writers replace it by a copy instead.
 */
final class VersionedMap<K, V> extends HashMap<K, V> {

  final int version;

  VersionedMap(int version) {
    this.version = version;
  }

  /** A shallow copy of {@code source}, stamped with {@code version}. */
  VersionedMap(Map<K, V> source, int version) {
    super(source);
    this.version = version;
  }
}
