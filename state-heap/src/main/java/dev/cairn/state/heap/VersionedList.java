package dev.cairn.state.heap;

import dev.cairn.state.serde.Serializers;
import dev.cairn.state.serde.TypeSerializer;
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
 *
 * <p>Two layouts, chosen by the element serializer when a list is created ({@link #create}) and kept
 * by its copies: {@link Longs} keeps the elements of a {@code ListState<Long>} with {@link
 * Serializers#LONG} in a {@code long[]} (8 bytes an element instead of a reference and a 16-byte
 * {@code Long}: a list of ten takes 250 instead of 386 bytes per key in {@code
 * MemoryPerEntryBenchmark}) and boxes them when read; {@link Refs} keeps references.
 */
abstract sealed class VersionedList<E> extends AbstractList<E> implements RandomAccess {

  final int version;
  boolean exposed;
  int size;

  private VersionedList(int version) {
    this.version = version;
  }

  /** An empty list with room for {@code capacity} elements, in the layout for {@code elements}. */
  static <E> VersionedList<E> create(TypeSerializer<?> elements, int version, int capacity) {
    return elements == Serializers.LONG ? new Longs<>(version, capacity) : new Refs<>(version, capacity);
  }

  /** A list of {@code source}'s elements, in the layout for {@code elements}. */
  static <E> VersionedList<E> of(TypeSerializer<?> elements, Collection<E> source, int version) {
    VersionedList<E> list = create(elements, version, source.size());
    list.appendAll(source);
    return list;
  }

  /** A copy of this list, in its layout, with room for {@code extra} more elements, stamped with {@code version}. */
  abstract VersionedList<E> copy(int extra, int version);

  /** Appends {@code element}; only for lists that are neither frozen nor exposed. */
  abstract void append(E element);

  /** Appends every element of {@code source}; only for lists that are neither frozen nor exposed. */
  abstract void appendAll(Collection<E> source);

  @Override
  public final int size() {
    return size;
  }

  /** A read-only iterator; small enough for the JIT to keep off the heap. */
  @Override
  public final Iterator<E> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < size;
      }

      @Override
      public E next() {
        if (next >= size) {
          throw new NoSuchElementException();
        }
        return get(next++);
      }
    };
  }

  static int grown(int size, int needed) {
    return Math.max(needed, Math.max(4, size + (size >> 1)));
  }

  /** Elements as references. */
  static final class Refs<E> extends VersionedList<E> {
    private Object[] elements;

    Refs(int version, int capacity) {
      super(version);
      this.elements = new Object[capacity];
    }

    @Override
    @SuppressWarnings("unchecked")
    public E get(int index) {
      return (E) elements[Objects.checkIndex(index, size)];
    }

    @Override
    VersionedList<E> copy(int extra, int version) {
      Refs<E> copy = new Refs<>(version, 0);
      copy.elements = Arrays.copyOf(elements, size + extra);
      copy.size = size;
      return copy;
    }

    @Override
    void append(E element) {
      if (size == elements.length) {
        elements = Arrays.copyOf(elements, grown(size, size + 1));
      }
      elements[size++] = element;
    }

    @Override
    void appendAll(Collection<E> source) {
      Object[] added = source.toArray();
      if (size + added.length > elements.length) {
        elements = Arrays.copyOf(elements, grown(size, size + added.length));
      }
      System.arraycopy(added, 0, elements, size, added.length);
      size += added.length;
    }
  }

  /** The elements of a list of {@code Long}s, unboxed. */
  static final class Longs<E> extends VersionedList<E> {
    private long[] elements;

    Longs(int version, int capacity) {
      super(version);
      this.elements = new long[capacity];
    }

    @Override
    @SuppressWarnings("unchecked")
    public E get(int index) {
      return (E) Long.valueOf(elements[Objects.checkIndex(index, size)]);
    }

    @Override
    VersionedList<E> copy(int extra, int version) {
      Longs<E> copy = new Longs<>(version, 0);
      copy.elements = Arrays.copyOf(elements, size + extra);
      copy.size = size;
      return copy;
    }

    @Override
    void append(E element) {
      long value = (Long) element;
      if (size == elements.length) {
        elements = Arrays.copyOf(elements, grown(size, size + 1));
      }
      elements[size++] = value;
    }

    @Override
    void appendAll(Collection<E> source) {
      long[] added = new long[source.size()];
      int i = 0;
      for (E element : source) {
        added[i++] = (Long) element; // all unboxed before anything changes
      }
      if (size + added.length > elements.length) {
        elements = Arrays.copyOf(elements, grown(size, size + added.length));
      }
      System.arraycopy(added, 0, elements, size, added.length);
      size += added.length;
    }
  }
}
