package dev.cairn.state.heap;

import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.SerializationException;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.StateKind;
import dev.cairn.state.metrics.StateMetrics;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyedSnapshotWriter;
import dev.cairn.state.spi.StateMetaInfo;
import dev.cairn.state.spi.MigrationMonitor;
import dev.cairn.state.spi.StateMigration;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The data of one state: an array with one slot per key group of the backend's range, each holding
 * null or a {@link SlotMap} from key to stored value. The stored value is the object itself for value,
 * reducing and aggregating state, an owned {@link VersionedList} for list state and an owned {@link
 * SlotMap} for map state; a key without state has no entry.
 *
 * <p>Copy-on-write: a snapshot keeps a clone of {@link #groups} ({@link #freeze()}). A group map or
 * container whose version is at most the backend's required version may be shared with an open
 * snapshot, so writers go through {@link #writableGroup(int)} and {@link #isFrozen(int)}, which copy
 * instead of changing it. Stored objects themselves are never changed, only replaced.
 *
 * <p>Timestamped values (TTL's envelopes) are stored split, a {@code long} part beside the slots (see
 * {@link ValueSplit}), by the group maps of value, reducing and aggregating state and by the per-key
 * maps of map state (list elements are stored whole); so are the {@code Long}s of reducing and
 * aggregating state.
 *
 * <p>Change tracking for incremental snapshots: {@link #dirty} is null until the backend takes its
 * first incremental snapshot, so until then a write costs one never-taken branch and nothing else.
 * Once on, every write or removal adds the key to the dirty set of its group; the list and map
 * handles report their in-place changes through {@link #changed}.
 */
final class StateTable<K> {

  private final HeapKeyedStateBackend<K> backend;
  final String name;
  final StateKind kind;
  final StateMetaInfo meta;
  /** The descriptor of the first registration, and its handle. */
  final StateDescriptor<?> descriptor;
  HeapState<K> handle;

  final TypeSerializer<Object> valueSerializer;
  /** The map key serializer of map state, else null. */
  final TypeSerializer<Object> userKeySerializer;
  /** How the group maps store values apart (value-like state), or null. */
  private final ValueSplit<Object> groupSplit;
  /** How map state's per-key maps store values apart, or null. */
  private final ValueSplit<Object> userMapSplit;
  SlotMap<K, Object>[] groups;
  /**
   * Per key group, the keys written or removed since the last incremental snapshot (a set: the
   * values are {@link Boolean#TRUE}); null while the backend tracks no changes.
   */
  SlotMap<K, Object>[] dirty;
  /** Entries and serialized bytes at the backend's last full snapshot, for the bytes estimate; null before. */
  private volatile long[] sizeAtSnapshot;

  @SuppressWarnings({"unchecked", "rawtypes"})
  StateTable(HeapKeyedStateBackend<K> backend, StateDescriptor<?> descriptor, int groupCount) {
    this.backend = backend;
    this.name = descriptor.name();
    this.kind = descriptor.kind();
    this.meta = StateMetaInfo.of(descriptor);
    this.descriptor = descriptor;
    this.valueSerializer = (TypeSerializer<Object>) descriptor.valueSerializer();
    this.userKeySerializer =
        descriptor instanceof MapStateDescriptor<?, ?> map ? (TypeSerializer<Object>) map.userKeySerializer() : null;
    boolean readModifyWrite = kind == StateKind.REDUCING || kind == StateKind.AGGREGATING;
    this.groupSplit =
        kind == StateKind.LIST || kind == StateKind.MAP ? null : ValueSplit.of(valueSerializer, readModifyWrite);
    this.userMapSplit = kind == StateKind.MAP ? ValueSplit.of(valueSerializer, false) : null;
    this.groups = new SlotMap[groupCount];
  }

  /** Returns the stored value of {@code key} in group {@code index}, or null. */
  Object get(int index, K key) {
    SlotMap<K, Object> group = groups[index];
    return group == null ? null : group.get(key);
  }

  /** Returns the map of group {@code index} for writing, created or copied as needed. */
  SlotMap<K, Object> writableGroup(int index) {
    SlotMap<K, Object> group = groups[index];
    if (group == null) {
      group = new SlotMap<>(backend.version, groupSplit);
      groups[index] = group;
    } else if (group.version <= backend.requiredVersion) {
      group = new SlotMap<>(group, backend.version);
      groups[index] = group;
    }
    return group;
  }

  void put(int index, K key, Object stored) {
    writableGroup(index).put(key, stored);
    if (dirty != null) {
      markDirty(index, key);
    }
  }

  /** {@link SlotMap#merge} on the (writable) group map: one probe for a read-modify-write. */
  void merge(int index, K key, Object value, BiFunction<Object, Object, Object> remapping) {
    writableGroup(index).merge(key, value, remapping);
    if (dirty != null) {
      markDirty(index, key);
    }
  }

  /** {@link SlotMap#compute} on the (writable) group map: one probe for a read-modify-write. */
  void compute(int index, K key, BiFunction<? super K, Object, Object> remapping) {
    writableGroup(index).compute(key, remapping);
    if (dirty != null) {
      markDirty(index, key);
    }
  }

  /** Removes the entry of {@code key}, copying the group map only if there is something to remove. */
  void remove(int index, K key) {
    SlotMap<K, Object> group = groups[index];
    if (group == null) {
      return;
    }
    boolean removed;
    if (group.version > backend.requiredVersion) {
      removed = group.remove(key);
    } else {
      removed = group.containsKey(key) && writableGroup(index).remove(key);
    }
    if (removed && dirty != null) {
      markDirty(index, key);
    }
  }

  /** Records that the stored list or map of {@code key} was changed in place. */
  void changed(int index, K key) {
    if (dirty != null) {
      markDirty(index, key);
    }
  }

  private void markDirty(int index, K key) {
    SlotMap<K, Object> keys = dirty[index];
    if (keys == null) {
      keys = new SlotMap<>(0);
      dirty[index] = keys;
    }
    keys.put(key, Boolean.TRUE);
  }

  /** Starts tracking changes: from now on every write marks its key dirty. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  void startTracking() {
    dirty = new SlotMap[groups.length];
  }

  /**
   * Returns the dirty sets collected since the last call (or since tracking started) and starts new,
   * empty ones; the caller owns the returned sets, which the table never changes again.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  SlotMap<K, Object>[] takeDirty() {
    SlotMap<K, Object>[] taken = dirty;
    dirty = new SlotMap[groups.length];
    return taken;
  }

  /** Returns whether a container of {@code version} may be shared with an open snapshot. */
  boolean isFrozen(int version) {
    return version <= backend.requiredVersion;
  }

  /** Returns the version to stamp new containers with. */
  int version() {
    return backend.version;
  }

  /** Returns a new, empty map for one key of map state. */
  <UK, UV> SlotMap<UK, UV> newUserMap() {
    @SuppressWarnings("unchecked")
    ValueSplit<UV> split = (ValueSplit<UV>) userMapSplit;
    return SlotMap.compact(version(), split);
  }

  /**
   * Returns the state's figures; called from any thread. The entry count sums the group maps' sizes
   * as the task thread last wrote them (int fields: no torn reads; exact when the task thread is
   * between records). Bytes scale the serialized size at the last full snapshot by the entry count.
   */
  StateMetrics metrics() {
    long entries = countEntries(groups);
    long[] atSnapshot = sizeAtSnapshot;
    long bytes = atSnapshot == null || atSnapshot[0] == 0 ? 0 : Math.round((double) atSnapshot[1] * entries / atSnapshot[0]);
    return new StateMetrics(name, kind, entries, bytes, Map.of());
  }

  private static long countEntries(SlotMap<?, Object>[] groups) {
    long entries = 0;
    for (SlotMap<?, Object> group : groups) {
      if (group != null) {
        entries += group.size();
      }
    }
    return entries;
  }

  /** Freezes the current contents for a snapshot, in time independent of the number of entries. */
  Frozen<K> freeze() {
    return new Frozen<>(this, groups.clone());
  }

  /**
   * Loads restored entries. Called once, on an empty table, at registration; a failure leaves the
   * table unusable (the caller drops it). With a {@code migration}, the stored bytes are read with
   * its serializers: the objects are then the new descriptor's, and snapshots write them with its
   * serializers (eager migration, at registration).
   *
   * @param migration null to read with the descriptor's serializers
   */
  void load(RestoredState restored, StateMigration migration) {
    TypeSerializer<K> keySerializer = backend.keySerializer;
    TypeSerializer<Object> valueSerializer = migration == null || migration.valueReader() == null
        ? this.valueSerializer : migration.valueReader();
    TypeSerializer<Object> userKeySerializer = migration == null || migration.userKeyReader() == null
        ? this.userKeySerializer : migration.userKeyReader();
    DataInputBuffer in = new DataInputBuffer();
    MigrationMonitor monitor = migration == null ? null
        : MigrationMonitor.start("heap", migration, backend.restoreListener, backend.restoreProgressInterval);
    if (monitor != null) {
      monitor.pass("loaded");
    }
    for (int index = 0; index < groups.length; index++) {
      List<RestoredState.Entry> entries = restored.entries(index);
      if (entries == null) {
        continue;
      }
      SlotMap<K, Object> group = writableGroup(index);
      K key = null;
      try {
        for (RestoredState.Entry entry : entries) {
          key = null;
          key = read(keySerializer, entry.key(), in);
          switch (kind) {
            case LIST -> {
              @SuppressWarnings("unchecked")
              VersionedList<Object> list = (VersionedList<Object>) group.get(key);
              if (list == null) {
                list = VersionedList.create(this.valueSerializer, version(), entry.elements().size());
                group.put(key, list);
              }
              for (byte[] element : entry.elements()) {
                list.append(read(valueSerializer, element, in));
              }
            }
            case MAP -> {
              @SuppressWarnings("unchecked")
              SlotMap<Object, Object> map = (SlotMap<Object, Object>) group.get(key);
              if (map == null) {
                map = newUserMap();
                group.put(key, map);
              }
              byte[] value = entry.value();
              map.put(read(userKeySerializer, entry.userKey(), in), value == null ? null : read(valueSerializer, value, in));
            }
            default -> group.put(key, read(valueSerializer, entry.value(), in));
          }
          if (monitor != null) {
            monitor.entry();
          }
        }
      } catch (SerializationException e) {
        SerializationException failure = new SerializationException("state '" + name + "': cannot read restored entry"
            + (key == null ? "" : " of key " + StateMigration.describeKey(key))
            + (migration == null ? "" : " (migrating: " + migration.reason() + ")") + ": " + e.getMessage(), e);
        if (monitor != null) {
          monitor.end(failure);
        }
        throw failure;
      } catch (RuntimeException | Error e) {
        if (monitor != null) {
          monitor.end(e);
        }
        throw e;
      }
    }
    if (monitor != null) {
      monitor.end(null);
    }
  }

  private static <T> T read(TypeSerializer<T> serializer, byte[] bytes, DataInputBuffer in) {
    in.wrap(bytes);
    T value = serializer.deserialize(in);
    if (in.remaining() != 0) {
      throw new SerializationException(in.remaining() + " bytes left after the value");
    }
    return value;
  }

  /** A table's group maps as they were at a snapshot; written from any thread. */
  static final class Frozen<K> implements SnapshotPart {

    private final StateTable<K> table;
    private final SlotMap<K, Object>[] groups;

    Frozen(StateTable<K> table, SlotMap<K, Object>[] groups) {
      this.table = table;
      this.groups = groups;
    }

    @Override
    public StateMetaInfo meta() {
      return table.meta;
    }

    /** Records this frozen state's serialized size, written in full, as the base of the bytes estimate. */
    void recordSerializedSize(long bytes) {
      table.sizeAtSnapshot = new long[] {countEntries(groups), bytes};
    }

    @Override
    public boolean hasEntries(int index) {
      SlotMap<K, Object> group = groups[index];
      return group != null && !group.isEmpty();
    }

    @Override
    public void write(int index, KeyedSnapshotWriter writer, WriteBuffers buffers) throws IOException {
      SlotMap<K, Object> group = groups[index];
      for (int pair = 0; pair < group.capacity(); pair++) {
        K entryKey = group.keyAt(pair);
        if (entryKey != null) {
          writeEntry(entryKey, group.valueAt(pair), writer, buffers);
        }
      }
    }

    StateTable<K> table() {
      return table;
    }

    /** Returns the map of the group at {@code index} as frozen, or null. */
    SlotMap<K, Object> group(int index) {
      return groups[index];
    }

    int groupCount() {
      return groups.length;
    }

    /** Returns the stored value of {@code key} in the group at {@code index} as frozen, or null. */
    Object stored(int index, K key) {
      SlotMap<K, Object> group = groups[index];
      return group == null ? null : group.get(key);
    }

    /** Returns whether {@code key} has state in the group at {@code index} as frozen. */
    boolean hasState(int index, K key) {
      Object stored = stored(index, key);
      return switch (table.kind) {
        case LIST -> stored != null && !((List<?>) stored).isEmpty();
        case MAP -> stored != null && !((SlotMap<?, ?>) stored).isEmpty();
        default -> stored != null;
      };
    }

    /** Serializes {@code key} into {@code buffers.key}. */
    void serializeKey(K key, WriteBuffers buffers) {
      buffers.key.reset();
      table.backend.keySerializer.serialize(key, buffers.key);
    }

    /** Writes the whole state of one key: its value, its list, or every entry of its map. */
    void writeEntry(K entryKey, Object stored, KeyedSnapshotWriter writer, WriteBuffers buffers) throws IOException {
      TypeSerializer<Object> valueSerializer = table.valueSerializer;
      DataOutputBuffer key = buffers.key;
      DataOutputBuffer value = buffers.value;
      serializeKey(entryKey, buffers);
      switch (table.kind) {
        case LIST -> {
          List<byte[]> elements = buffers.elements;
          elements.clear();
          for (Object element : (List<?>) stored) {
            value.reset();
            valueSerializer.serialize(element, value);
            elements.add(value.toByteArray());
          }
          writer.writeList(key.array(), key.length(), elements);
        }
        case MAP -> {
          DataOutputBuffer userKey = buffers.userKey;
          SlotMap<?, ?> map = (SlotMap<?, ?>) stored;
          for (int mapPair = 0; mapPair < map.capacity(); mapPair++) {
            Object mapKey = map.keyAt(mapPair);
            if (mapKey == null) {
              continue;
            }
            userKey.reset();
            table.userKeySerializer.serialize(mapKey, userKey);
            Object mapValue = map.valueAt(mapPair);
            if (mapValue == null) {
              writer.writeMapEntry(key.array(), key.length(), userKey.array(), userKey.length(), null, 0);
            } else {
              value.reset();
              valueSerializer.serialize(mapValue, value);
              writer.writeMapEntry(
                  key.array(), key.length(), userKey.array(), userKey.length(), value.array(), value.length());
            }
          }
        }
        default -> {
          value.reset();
          valueSerializer.serialize(stored, value);
          writer.writeValue(key.array(), key.length(), value.array(), value.length());
        }
      }
    }
  }
}
