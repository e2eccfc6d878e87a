package dev.cairn.state.heap;

import dev.cairn.state.SerializationException;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.KeyedSnapshotReader;
import dev.cairn.state.spi.RestoreMonitor;
import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.StateMetaInfo;
import dev.cairn.state.spi.StateMigration;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads snapshots into {@link RestoredState}s without touching the backend, so that a failure
 * anywhere leaves the backend as it was; the backend publishes {@link #states()} and {@link
 * #coveredBy()} when every input was read. Each key group of the range may come from one input only
 * (restoring the same snapshot twice would duplicate list elements).
 *
 * <p>A {@link HeapIncrementalFormat heap incremental} input is replayed newest first: the last delta's
 * keys (upserts and tombstones) are taken as they are, each older delta and finally the base only
 * contribute keys no newer one held. So every key ends up with its newest whole state, or none.
 */
final class HeapRestore {

  private final TypeSerializer<?> keySerializer;
  private final int maxParallelism;
  private final KeyGroupRange range;
  private final Map<String, RestoredState> previous;
  private final Map<String, RestoredState> states = new LinkedHashMap<>();
  private final String[] coveredBy;
  private ChangeTracker.Chain claimedChain;
  private final RestoreMonitor monitor;

  /**
   * @param previous the states restored by earlier calls, not changed (copied when extended)
   * @param coveredBy per key group of the range, the input an earlier call read it from, or null
   * @param monitor counts the entries read
   */
  HeapRestore(
      TypeSerializer<?> keySerializer,
      int maxParallelism,
      KeyGroupRange range,
      Map<String, RestoredState> previous,
      String[] coveredBy,
      RestoreMonitor monitor) {
    this.keySerializer = keySerializer;
    this.maxParallelism = maxParallelism;
    this.range = range;
    this.previous = previous;
    this.coveredBy = coveredBy.clone();
    this.monitor = monitor;
  }

  /** Returns the new or extended states, by name. */
  Map<String, RestoredState> states() {
    return states;
  }

  /** Returns, per key group of the range, the input it was restored from, or null. */
  String[] coveredBy() {
    return coveredBy;
  }

  /**
   * Returns the chain of the last incremental input read if this backend may extend it: it was
   * restored in claim mode (every file has a handle) and covers exactly this backend's range.
   * Otherwise null.
   */
  ChangeTracker.Chain claimedChain() {
    return claimedChain;
  }

  /** Reads {@code input}, canonical or heap incremental, keeping the key groups of the range. */
  void read(SnapshotInput input) {
    claimedChain = null;
    if (HeapIncrementalFormat.FORMAT.equals(input.format())) {
      readIncremental(input);
    } else if (KeyedSnapshotFormat.FORMAT.equals(input.format())) {
      readCanonical(input);
    } else {
      throw new SnapshotException(
          "snapshot " + input.description() + " is in format '" + input.format() + "', which the heap backend"
              + " cannot read (restore a canonical checkpoint, a savepoint or a " + HeapIncrementalFormat.FORMAT
              + " checkpoint)");
    }
  }

  private void readCanonical(SnapshotInput input) {
    String description = input.description();
    if (!input.streamNames().contains(KeyedSnapshotFormat.STREAM_NAME)) {
      throw new SnapshotException(
          "snapshot " + description + " has no '" + KeyedSnapshotFormat.STREAM_NAME + "' stream");
    }
    try (InputStream stream = input.openStream(KeyedSnapshotFormat.STREAM_NAME)) {
      KeyedSnapshotReader reader = new KeyedSnapshotReader(stream, description);
      if (reader.maxParallelism() != maxParallelism) {
        throw new SnapshotException(
            "snapshot " + description + " was written with max parallelism " + reader.maxParallelism()
                + ", this backend has " + maxParallelism + " (max parallelism is fixed for the life of the state)");
      }
      checkKeySerializer(reader.keySerializer(), description);
      claimKeyGroups(reader.keyGroupRange(), description);
      RestoredState[] byIndex = states(reader, description);
      int start = range.startKeyGroup();
      reader.readEntries(range, monitor.counting(new KeyedSnapshotReader.EntryVisitor() {
        @Override
        public void value(int stateIndex, int keyGroup, byte[] key, byte[] value) {
          byIndex[stateIndex].add(keyGroup - start, new RestoredState.Entry(key, value, null, null));
        }

        @Override
        public void list(int stateIndex, int keyGroup, byte[] key, List<byte[]> elements) {
          byIndex[stateIndex].add(keyGroup - start, new RestoredState.Entry(key, null, elements, null));
        }

        @Override
        public void mapEntry(int stateIndex, int keyGroup, byte[] key, byte[] userKey, byte[] value) {
          byIndex[stateIndex].add(keyGroup - start, new RestoredState.Entry(key, value, null, userKey));
        }
      }));
    } catch (IOException e) {
      throw new SnapshotException("cannot read snapshot " + description + ": " + e.getMessage(), e);
    }
  }

  private RestoredState[] states(KeyedSnapshotReader reader, String description) {
    List<StateMetaInfo> metas = reader.states();
    RestoredState[] byIndex = new RestoredState[metas.size()];
    for (int i = 0; i < byIndex.length; i++) {
      byIndex[i] = state(metas.get(i), description);
    }
    return byIndex;
  }

  private void readIncremental(SnapshotInput input) {
    String description = input.description();
    List<String> entries = HeapIncrementalFormat.readChain(input);
    // per state, the serialized keys a newer file of the chain already decided
    Map<String, Set<ByteBuffer>> decided = new HashMap<>();
    KeyGroupRange chainRange = null;
    Map<String, StateMetaInfo> chainStates = new HashMap<>();
    for (int position = entries.size() - 1; position >= 0; position--) {
      String entry = entries.get(position);
      String where = HeapIncrementalFormat.describe(input, entry);
      Map<String, Set<ByteBuffer>> decidedHere = new HashMap<>();
      try (InputStream stream = input.openStream(entry)) {
        byte[] tombstones = position == 0 ? null : HeapIncrementalFormat.readDeltaHeader(stream, where);
        KeyedSnapshotReader reader = new KeyedSnapshotReader(stream, where);
        if (reader.maxParallelism() != maxParallelism) {
          throw new SnapshotException(
              where + " was written with max parallelism " + reader.maxParallelism() + ", this backend has "
                  + maxParallelism + " (max parallelism is fixed for the life of the state)");
        }
        if (chainRange == null) {
          chainRange = reader.keyGroupRange();
          checkKeySerializer(reader.keySerializer(), where);
          claimKeyGroups(chainRange, description);
        } else if (!chainRange.equals(reader.keyGroupRange())) {
          throw HeapIncrementalFormat.damaged(
              where, "covers key groups " + reader.keyGroupRange() + ", the rest of its chain " + chainRange);
        }
        RestoredState[] byIndex = states(reader, where);
        for (StateMetaInfo meta : reader.states()) {
          chainStates.put(meta.name(), meta);
        }
        if (tombstones != null) {
          readTombstones(tombstones, reader, chainRange, decided, decidedHere, where);
        }
        replay(reader, byIndex, decided, position == 0 ? null : decidedHere); // nothing older than the base
      } catch (EOFException e) {
        throw new SnapshotException("damaged " + where + ": truncated", e);
      } catch (IOException e) {
        throw new SnapshotException("cannot read " + where + ": " + e.getMessage(), e);
      }
      decidedHere.forEach((state, keys) -> decided.computeIfAbsent(state, name -> new HashSet<>()).addAll(keys));
    }
    claimedChain = claimable(input, entries, chainRange, chainStates);
  }

  /**
   * Adds the entries of keys no newer file decided, and records the keys this file decides in {@code
   * decidedHere}, unless it is null (the chain's oldest file: no file replayed after it needs them).
   */
  private void replay(
      KeyedSnapshotReader reader,
      RestoredState[] byIndex,
      Map<String, Set<ByteBuffer>> decided,
      Map<String, Set<ByteBuffer>> decidedHere) {
    int start = range.startKeyGroup();
    List<StateMetaInfo> metas = reader.states();
    @SuppressWarnings({"unchecked", "rawtypes"})
    Set<ByteBuffer>[] newer = new Set[metas.size()];
    @SuppressWarnings({"unchecked", "rawtypes"})
    Set<ByteBuffer>[] here = new Set[metas.size()];
    for (int i = 0; i < metas.size(); i++) {
      newer[i] = decided.getOrDefault(metas.get(i).name(), Set.of());
      here[i] = decidedHere == null ? null : decidedHere.computeIfAbsent(metas.get(i).name(), name -> new HashSet<>());
    }
    reader.readEntries(range, monitor.counting(new KeyedSnapshotReader.EntryVisitor() {
      private boolean take(int stateIndex, byte[] key) {
        if (newer[stateIndex].isEmpty() && here[stateIndex] == null) {
          return true; // a base with no newer file deciding anything of this state: no lookups
        }
        ByteBuffer wrapped = ByteBuffer.wrap(key);
        if (newer[stateIndex].contains(wrapped)) {
          return false;
        }
        if (here[stateIndex] != null) {
          here[stateIndex].add(wrapped);
        }
        return true;
      }

      @Override
      public void value(int stateIndex, int keyGroup, byte[] key, byte[] value) {
        if (take(stateIndex, key)) {
          byIndex[stateIndex].add(keyGroup - start, new RestoredState.Entry(key, value, null, null));
        }
      }

      @Override
      public void list(int stateIndex, int keyGroup, byte[] key, List<byte[]> elements) {
        if (take(stateIndex, key)) {
          byIndex[stateIndex].add(keyGroup - start, new RestoredState.Entry(key, null, elements, null));
        }
      }

      @Override
      public void mapEntry(int stateIndex, int keyGroup, byte[] key, byte[] userKey, byte[] value) {
        if (take(stateIndex, key)) {
          byIndex[stateIndex].add(keyGroup - start, new RestoredState.Entry(key, value, null, userKey));
        }
      }
    }));
  }

  /** Records a delta's tombstones as keys it decides (to have no state). */
  private void readTombstones(
      byte[] tombstones,
      KeyedSnapshotReader reader,
      KeyGroupRange chainRange,
      Map<String, Set<ByteBuffer>> decided,
      Map<String, Set<ByteBuffer>> decidedHere,
      String where) {
    Set<String> names = new HashSet<>();
    for (StateMetaInfo meta : reader.states()) {
      names.add(meta.name());
    }
    try {
      DataInputBuffer in = new DataInputBuffer(tombstones);
      while (true) {
        int keyGroup = in.readInt();
        if (keyGroup == HeapIncrementalFormat.END_OF_TOMBSTONES) {
          break;
        }
        if (!chainRange.contains(keyGroup)) {
          throw HeapIncrementalFormat.damaged(where, "tombstones of key group " + keyGroup + " outside " + chainRange);
        }
        String state = in.readString();
        if (!names.contains(state)) {
          throw HeapIncrementalFormat.damaged(where, "tombstones of unknown state '" + state + "'");
        }
        int count = in.readLength(1);
        Set<ByteBuffer> newer = decided.getOrDefault(state, Set.of());
        Set<ByteBuffer> here = decidedHere.computeIfAbsent(state, name -> new HashSet<>());
        for (int i = 0; i < count; i++) {
          ByteBuffer key = ByteBuffer.wrap(in.readLengthPrefixed());
          if (range.contains(keyGroup) && !newer.contains(key)) {
            here.add(key);
          }
        }
      }
      if (in.remaining() != 0) {
        throw HeapIncrementalFormat.damaged(where, in.remaining() + " bytes after the tombstones");
      }
    } catch (SerializationException e) {
      throw HeapIncrementalFormat.damaged(where, e.getMessage());
    }
  }

  private ChangeTracker.Chain claimable(
      SnapshotInput input, List<String> entries, KeyGroupRange chainRange, Map<String, StateMetaInfo> states) {
    if (!range.equals(chainRange)) {
      return null;
    }
    List<SharedFileHandle> handles = new ArrayList<>(entries.size());
    for (String entry : entries) {
      Optional<SharedFileHandle> handle = input.sharedHandle(entry);
      if (handle.isEmpty()) {
        return null;
      }
      handles.add(handle.get());
    }
    return new ChangeTracker.Chain(handles.get(0), handles.subList(1, handles.size()), states);
  }

  private void checkKeySerializer(TypeSerializerSnapshot<?> stored, String description) {
    StateMigration.checkKeySerializer(stored, keySerializer, description);
  }

  private void claimKeyGroups(KeyGroupRange stored, String description) {
    KeyGroupRange overlap = stored.intersect(range);
    if (overlap == null) {
      return;
    }
    for (int keyGroup = overlap.startKeyGroup(); keyGroup <= overlap.endKeyGroup(); keyGroup++) {
      int index = keyGroup - range.startKeyGroup();
      if (description.equals(coveredBy[index])) {
        throw new SnapshotException("snapshot " + description + " is restored twice (key group " + keyGroup
            + " is loaded already): restore each snapshot once");
      }
      if (coveredBy[index] != null) {
        throw new SnapshotException(
            "key group " + keyGroup + " is in both snapshot " + coveredBy[index] + " and snapshot " + description);
      }
      coveredBy[index] = description;
    }
  }

  private RestoredState state(StateMetaInfo meta, String description) {
    RestoredState state = states.get(meta.name());
    if (state == null) {
      RestoredState earlier = previous.get(meta.name());
      state = earlier != null ? earlier.copy() : new RestoredState(meta, range.size());
      states.put(meta.name(), state);
    }
    if (!state.meta().equals(meta)) {
      throw new SnapshotException(
          "state '" + meta.name() + "' in snapshot " + description + " is " + meta.kind() + " state with serializers "
              + serializers(meta) + ", but another snapshot holds it as " + state.meta().kind()
              + " state with serializers " + serializers(state.meta()));
    }
    return state;
  }

  private static String serializers(StateMetaInfo meta) {
    return meta.userKeySerializer() == null
        ? String.valueOf(meta.valueSerializer())
        : meta.userKeySerializer() + " -> " + meta.valueSerializer();
  }
}
