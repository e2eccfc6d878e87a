package dev.cairn.state.heap;

import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.serde.SchemaCompatibility;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.KeyedSnapshotReader;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.StateMetaInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads snapshots into {@link RestoredState}s without touching the backend, so that a failure
 * anywhere leaves the backend as it was; the backend publishes {@link #states()} and {@link
 * #coveredBy()} when every input was read. Each key group of the range may come from one input only
 * (restoring the same snapshot twice would duplicate list elements).
 */
final class HeapRestore {

  private final TypeSerializer<?> keySerializer;
  private final int maxParallelism;
  private final KeyGroupRange range;
  private final Map<String, RestoredState> previous;
  private final Map<String, RestoredState> states = new LinkedHashMap<>();
  private final String[] coveredBy;

  /**
   * @param previous the states restored by earlier calls, not changed (copied when extended)
   * @param coveredBy per key group of the range, the input an earlier call read it from, or null
   */
  HeapRestore(
      TypeSerializer<?> keySerializer,
      int maxParallelism,
      KeyGroupRange range,
      Map<String, RestoredState> previous,
      String[] coveredBy) {
    this.keySerializer = keySerializer;
    this.maxParallelism = maxParallelism;
    this.range = range;
    this.previous = previous;
    this.coveredBy = coveredBy.clone();
  }

  /** Returns the new or extended states, by name. */
  Map<String, RestoredState> states() {
    return states;
  }

  /** Returns, per key group of the range, the input it was restored from, or null. */
  String[] coveredBy() {
    return coveredBy;
  }

  /** Reads the keyed-state stream of {@code input}, keeping the key groups of the range. */
  void read(SnapshotInput input) {
    String description = input.description();
    if (!KeyedSnapshotFormat.FORMAT.equals(input.format())) {
      throw new SnapshotException(
          "snapshot " + description + " is in format '" + input.format() + "', which the heap backend cannot read"
              + " (restore a canonical checkpoint or a savepoint)");
    }
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
      List<StateMetaInfo> metas = reader.states();
      RestoredState[] byIndex = new RestoredState[metas.size()];
      for (int i = 0; i < byIndex.length; i++) {
        byIndex[i] = state(metas.get(i), description);
      }
      int start = range.startKeyGroup();
      reader.readEntries(range, new KeyedSnapshotReader.EntryVisitor() {
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
      });
    } catch (IOException e) {
      throw new SnapshotException("cannot read snapshot " + description + ": " + e.getMessage(), e);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void checkKeySerializer(TypeSerializerSnapshot stored, String description) {
    SchemaCompatibility compatibility = stored.resolveCompatibility(keySerializer);
    if (!compatibility.isCompatibleAsIs()) {
      throw new IncompatibleSchemaException(
          "snapshot " + description + ": the key serializer " + keySerializer + " cannot read the stored keys ("
              + compatibility.kind() + ": " + compatibility.reason() + ")");
    }
  }

  private void claimKeyGroups(KeyGroupRange stored, String description) {
    KeyGroupRange overlap = stored.intersect(range);
    if (overlap == null) {
      return;
    }
    for (int keyGroup = overlap.startKeyGroup(); keyGroup <= overlap.endKeyGroup(); keyGroup++) {
      int index = keyGroup - range.startKeyGroup();
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
