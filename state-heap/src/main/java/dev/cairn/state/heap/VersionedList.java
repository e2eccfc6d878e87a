package dev.cairn.state.heap;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The per-key list of list state, stamped with its copy-on-write version like {@link SlotMap}.
 *
 * <p>Read-only to everyone outside this package: the {@link java.util.List} methods that change a
 * list throw {@link UnsupportedOperationException}, and the backend appends with {@link #append}. So
 * {@code ListState.get()} hands out the list itself, with no wrapper, and marks it {@link #exposed}:
 * like a frozen one, an exposed list is copied before the next change, so the reader's view never
 * changes.
 */
final class VersionedList<E> extends AbstractList<E> implements RandomAccess {

  final int version;
  boolean exposed;
  private Object[] elements;
  private int size;

  /** An empty list with room for {@code capacity} elements. */
  VersionedList(int version, int capacity) {
    this.version = version;
    this.elements = new Object[capacity];
  }

  /** A copy of {@code source} with room for {@code extra} more elements, stamped with {@code version}. */
  VersionedList(Collection<E> source, int extra, int version) {
    this.version = version;
    this.size = source.size();
    // a stored list is copied straight from its array (copy-on-write); other collections via toArray
    Object[] array = source instanceof VersionedList<?> list ? list.elements : source.toArray();
    this.elements = Arrays.copyOf(array, size + extra, Object[].class);
  }

  @Override
  @SuppressWarnings("unchecked")
  public E get(int index) {
    return (E) elements[Objects.checkIndex(index, size)];
  }

  @Override
  public int size() {
    return size;
  }

  /** A read-only iterator; small enough for the JIT to keep off the heap. */
  @Override
  public Iterator<E> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < size;
      }

      @Override
      @SuppressWarnings("unchecked")
      public E next() {
        if (next >= size) {
          throw new NoSuchElementException();
        }
        return (E) elements[next++];
      }
    };
  }

  /** Appends {@code element}; only for lists that are neither frozen nor exposed. */
  void append(E element) {
    if (size == elements.length) {
      elements = Arrays.copyOf(elements, Math.max(4, size + (size >> 1)));
    }
    elements[size++] = element;
  }

  /** Appends every element of {@code source}; only for lists that are neither frozen nor exposed. */
  void appendAll(Collection<E> source) {
    Object[] added = source.toArray();
    if (size + added.length > elements.length) {
      elements = Arrays.copyOf(elements, Math.max(size + added.length, size + (size >> 1)));
    }
    System.arraycopy(added, 0, elements, size, added.length);
    size += added.length;
  }
}
