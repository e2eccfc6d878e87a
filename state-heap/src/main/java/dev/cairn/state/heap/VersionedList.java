package dev.cairn.state.heap;

import java.util.ArrayList;
import java.util.Collection;

/**
 * The per-key list of list state, stamped with its copy-on-write version like {@link VersionedMap}.
 * {@link #exposed} marks a list handed to a reader as a read-only view: like a frozen one, it is
 * copied before the next change, so the reader's view never changes.
 */
final class VersionedList<E> extends ArrayList<E> {

  final int version;
  boolean exposed;

  VersionedList(int version, int capacity) {
    super(capacity);
    this.version = version;
  }

  /** A shallow copy of {@code source} with room for {@code extra} more elements, stamped with {@code version}. */
  VersionedList(Collection<E> source, int extra, int version) {
    super(source.size() + extra);
    addAll(source);
    this.version = version;
  }
}
