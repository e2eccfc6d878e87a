package dev.cairn.state.heap;

import java.util.function.BiFunction;

/**
 * The heap backend's hash map, stamped with the copy-on-write version it was created in: the
 * per-key-group maps of a {@link StateTable} (key to stored value) and the per-key maps of map state
 * (user key to user value). A map whose version is at most {@link
 * HeapKeyedStateBackend#requiredVersion} may be shared with an open snapshot and is never changed;
 * writers replace it by a copy instead (the same rule holds for {@link VersionedList}).
 *
 * <p>Open addressing with linear probing, keys and values side by side in one array: a lookup reads
 * the slot array, where the key reference and its value reference share a cache line, and then the
 * value itself. {@link java.util.HashMap} reads a bucket, then a node, then the value: one more
 * cache miss on every access once the state outgrows the CPU caches, and about 32 more bytes per
 * entry. A copy is one array clone. Keys are never null, values may be; removal shifts the rest of
 * the run back instead of leaving tombstones.
 *
 * <p>Two fill limits: a key group's map of the table is at most half full, so that a lookup, hit or
 * miss, ends after a probe or two; a {@linkplain #compact compact} map (map state's per-key maps:
 * small, many, often iterated whole) fills up to three quarters before it doubles, so that ten entries
 * take 16 pairs instead of 32 (128 bytes less per key, and half the slots to skip when iterating).
 * Its probes stay inside the slot array, which a lookup has loaded anyway. Keys whose {@code
 * hashCode} collides on purpose make it linear (HashMap would fall back to a tree): state keys come
 * from the application, not from an adversary.
 *
 * <p>Split values ({@link ValueSplit}: {@code Long}s, TTL's envelopes): a map made with a split keeps
 * each value's {@code long} part in a {@code long[]} at the value's pair position and the rest in the
 * slot array, and rebuilds the value when it is read. An update of a {@code Long} then stores no
 * reference (nothing for G1's write barrier to track), and checking a TTL entry loads its timestamp
 * from an array whose position the probe already knows, not from an envelope object the slot points
 * to (a dependent cache miss). Such a map takes no null values.
 *
 * <p>Iterate with {@link #capacity}, {@link #keyAt} and {@link #valueAt}; a change during such an
 * iteration may move entries, so iterators over a map that can change iterate a copy.
 */
final class SlotMap<K, V> {

  private static final int MIN_CAPACITY = 8;

  final int version;
  /** Whether the map fills up to three quarters (else half) of its pairs before it doubles. */
  private final boolean compact;
  /** Splits stored values; null for a map that stores values as they are. */
  private final ValueSplit<V> split;
  /**
   * Pair {@code i} is the key at {@code 2i} (null if free) and its value at {@code 2i + 1} (with
   * {@link #split}: the value's rest).
   */
  private Object[] slots;
  /** With {@link #split}: the {@code long} part of pair {@code i}'s value at {@code i}; else null. */
  private long[] bits;
  private int mask;
  private int shift;
  private int size;
  /** The most entries the current capacity takes. */
  private int limit;

  /** An empty map, at most half full, of values stored as they are: a key group's map of a state table. */
  SlotMap(int version) {
    this(version, false, null);
  }

  /**
   * An empty map, at most half full: a key group's map of a state table.
   *
   * @param split how to store values apart, or null
   */
  SlotMap(int version, ValueSplit<V> split) {
    this(version, false, split);
  }

  private SlotMap(int version, boolean compact, ValueSplit<V> split) {
    this.version = version;
    this.compact = compact;
    this.split = split;
    allocate(MIN_CAPACITY);
  }

  /**
   * An empty map that fills up to three quarters before it grows: a key's map of map state.
   *
   * @param split how to store values apart, or null
   */
  static <K, V> SlotMap<K, V> compact(int version, ValueSplit<V> split) {
    return new SlotMap<>(version, true, split);
  }

  /** A copy of {@code source} (with its fill limit and way of storing values), stamped with {@code version}. */
  SlotMap(SlotMap<K, V> source, int version) {
    this.version = version;
    this.compact = source.compact;
    this.split = source.split;
    this.limit = source.limit;
    this.slots = source.slots.clone();
    this.bits = source.bits == null ? null : source.bits.clone();
    this.mask = source.mask;
    this.shift = source.shift;
    this.size = source.size;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Returns the value of {@code key}, or null. */
  V get(Object key) {
    int pair = find(key);
    return pair < 0 ? null : valueAt(pair);
  }

  boolean containsKey(Object key) {
    return find(key) >= 0;
  }

  /** Maps {@code key} (not null) to {@code value}. */
  void put(K key, V value) {
    int pair = find(key);
    if (pair >= 0) {
      store(pair, value);
    } else {
      insert(-pair - 1, key, value);
    }
  }

  /**
   * Stores {@code value} if {@code key} has no entry, and otherwise {@code remapping(old, value)}:
   * {@link java.util.HashMap#merge} with one probe, for non-null values and functions that do not
   * return null. If the function throws, nothing changes.
   */
  void merge(K key, V value, BiFunction<V, V, V> remapping) {
    int pair = find(key);
    if (pair >= 0) {
      store(pair, remapping.apply(valueAt(pair), value));
    } else {
      insert(-pair - 1, key, value);
    }
  }

  /**
   * Stores {@code remapping(key, old)}, old being null if {@code key} has no entry: {@link
   * java.util.HashMap#compute} with one probe, for functions that do not return null. If the
   * function throws, nothing changes.
   */
  void compute(K key, BiFunction<? super K, V, V> remapping) {
    int pair = find(key);
    if (pair >= 0) {
      store(pair, remapping.apply(key, valueAt(pair)));
    } else {
      insert(-pair - 1, key, remapping.apply(key, null));
    }
  }

  /** Removes the entry of {@code key}; returns whether there was one. */
  boolean remove(Object key) {
    int pair = find(key);
    if (pair < 0) {
      return false;
    }
    deleteAt(pair);
    return true;
  }

  /** The number of pair positions, for iterating with {@link #keyAt} and {@link #valueAt}. */
  int capacity() {
    return slots.length / 2;
  }

  /** The key at pair position {@code pair}, or null if that position is free. */
  @SuppressWarnings("unchecked")
  K keyAt(int pair) {
    return (K) slots[2 * pair];
  }

  /** The value at pair position {@code pair} (null if that position is free). */
  @SuppressWarnings("unchecked")
  V valueAt(int pair) {
    Object stored = slots[2 * pair + 1];
    if (split == null) {
      return (V) stored;
    }
    return slots[2 * pair] == null ? null : split.join(bits[pair], stored);
  }

  /** Sets the value of the occupied or claimed pair position {@code pair}. */
  private void store(int pair, V value) {
    if (split == null) {
      slots[2 * pair + 1] = value;
    } else {
      long part = split.bits(value); // both first: a value that fails changes nothing
      Object rest = split.rest(value);
      slots[2 * pair + 1] = rest;
      bits[pair] = part;
    }
  }

  /** Returns the pair position of {@code key}, or {@code -(free position) - 1} where it would go. */
  private int find(Object key) {
    Object[] slots = this.slots;
    int mask = this.mask;
    int pair = home(key);
    while (true) {
      Object candidate = slots[2 * pair];
      if (candidate == null) {
        return -pair - 1;
      }
      if (candidate == key || candidate.equals(key)) {
        return pair;
      }
      pair = (pair + 1) & mask;
    }
  }

  private int home(Object key) {
    return (key.hashCode() * 0x9E3779B9) >>> shift; // Fibonacci hashing: the high bits of the product
  }

  private void insert(int pair, K key, V value) {
    if (size == limit) {
      grow();
      pair = -find(key) - 1;
    }
    store(pair, value); // first: a value that cannot be stored leaves no key behind
    slots[2 * pair] = key;
    size++;
  }

  private void grow() {
    Object[] old = slots;
    long[] oldBits = bits;
    allocate(capacity() * 2);
    for (int i = 0; i < old.length; i += 2) {
      Object key = old[i];
      if (key != null) {
        int pair = home(key);
        while (slots[2 * pair] != null) {
          pair = (pair + 1) & mask;
        }
        slots[2 * pair] = key;
        slots[2 * pair + 1] = old[i + 1];
        if (oldBits != null) {
          bits[pair] = oldBits[i / 2];
        }
      }
    }
  }

  private void allocate(int capacity) {
    slots = new Object[2 * capacity];
    bits = split == null ? null : new long[capacity];
    mask = capacity - 1;
    shift = Integer.numberOfLeadingZeros(capacity) + 1;
    limit = compact ? capacity - capacity / 4 : capacity / 2;
  }

  /** Frees pair position {@code hole}, moving back later keys of its run that may not stay behind it. */
  private void deleteAt(int hole) {
    Object[] slots = this.slots;
    int mask = this.mask;
    int pair = hole;
    while (true) {
      pair = (pair + 1) & mask;
      Object key = slots[2 * pair];
      if (key == null) {
        break;
      }
      // the key may fill the hole unless its home lies after the hole (cyclically, up to pair)
      if (((pair - home(key)) & mask) >= ((pair - hole) & mask)) {
        slots[2 * hole] = key;
        slots[2 * hole + 1] = slots[2 * pair + 1];
        if (bits != null) {
          bits[hole] = bits[pair];
        }
        hole = pair;
      }
    }
    slots[2 * hole] = null;
    slots[2 * hole + 1] = null;
    size--;
  }
}
