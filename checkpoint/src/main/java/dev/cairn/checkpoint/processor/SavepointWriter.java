package dev.cairn.checkpoint.processor;

import dev.cairn.checkpoint.CheckpointException;
import dev.cairn.checkpoint.internal.CheckpointFiles;
import dev.cairn.checkpoint.internal.CheckpointLayout;
import dev.cairn.checkpoint.internal.CheckpointMetadata;
import dev.cairn.checkpoint.internal.MetadataFormat;
import dev.cairn.checkpoint.internal.OperatorStateFormat;
import dev.cairn.checkpoint.internal.StoredFile;
import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.checkpoint.storage.FileLayer;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import dev.cairn.state.AggregatingStateDescriptor;
import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.StateKind;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.RestoredSerializers;
import dev.cairn.state.serde.SchemaCompatibility;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyGroups;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.KeyedSnapshotWriter;
import dev.cairn.state.spi.StateMetaInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes a new savepoint offline: from an existing checkpoint or savepoint ({@link #from}) with
 * states dropped, renamed, replaced by transformed or filtered rows, or added, and the max
 * parallelism or the number of participants changed; or from nothing ({@link #create}), bootstrapped
 * from any {@link Stream} of rows. The savepoint is canonical and self-contained: restore it with
 * {@code CheckpointCoordinator.restore(dir)} into either backend.
 *
 * <pre>{@code
 * SavepointReader old = SavepointReader.open(Path.of("/backups/sp-1"));
 * SavepointWriter.from(old, Serializers.STRING)
 *     .removeState("debug")
 *     .renameState("cnt", "count")
 *     .withValueState(StateDescriptors.value("sum", Serializers.LONG, 0L),           // transform and filter
 *         old.readValues("sum", Serializers.STRING, Serializers.LONG)
 *             .filter(row -> row.value() > 0).map(row -> new KeyedRow<>(row.key(), row.value() * 100)))
 *     .maxParallelism(256)
 *     .write(Path.of("/backups/sp-2"));
 * }</pre>
 *
 * <p>Operations apply in call order to the list of states, and the streams are consumed by {@link
 * #write}. States that are only copied or renamed are copied as bytes (re-assigned to key groups
 * with the key serializer if the max parallelism changes). A state given rows must get each key (each
 * key and user key, for map state) at most once. The entries are gathered in memory, serialized, before
 * they are written in key-group order: the heap needs about the size of the state. Operator state is
 * carried over (all of it stored with the first participant, which a restore redistributes exactly as
 * before) and may be replaced or added with {@link #withOperatorListState}. Not thread-safe.
 *
 * @param <K> the key type
 */
public final class SavepointWriter<K> {

  private interface Source {
    /** Passes the state's entries, each with its key group under the new max parallelism. */
    void entries(int maxParallelism, Consumer<StateEntry> out);
  }

  private record PlannedState(StateMetaInfo meta, Source source) {}

  private final SavepointReader base;
  private final TypeSerializer<K> keySerializer;
  private final TypeSerializerSnapshot<?> keySnapshot;
  private final Map<String, PlannedState> states = new LinkedHashMap<>();
  private final Map<String, OperatorStateFormat.StoredList> operatorStates = new LinkedHashMap<>();
  private int maxParallelism;
  private int parallelism;
  private boolean parallelismSet;

  private SavepointWriter(SavepointReader base, TypeSerializer<K> keySerializer, TypeSerializerSnapshot<?> keySnapshot,
      int maxParallelism, int parallelism) {
    this.base = base;
    this.keySerializer = keySerializer;
    this.keySnapshot = keySnapshot;
    this.maxParallelism = maxParallelism;
    this.parallelism = parallelism;
  }

  /**
   * Starts an empty savepoint, to bootstrap state from rows.
   *
   * @param keySerializer the key serializer of the job that will restore it
   * @param maxParallelism the job's max parallelism (its backends' {@code maxParallelism}, 128 by default)
   */
  public static <K> SavepointWriter<K> create(TypeSerializer<K> keySerializer, int maxParallelism) {
    Objects.requireNonNull(keySerializer, "keySerializer");
    KeyGroups.checkMaxParallelism(maxParallelism);
    return new SavepointWriter<>(null, keySerializer, keySerializer.snapshot(), maxParallelism, 1);
  }

  /**
   * Starts a savepoint with every keyed and operator state of {@code source}, its max parallelism and
   * its participants' key groups.
   *
   * @param keySerializer the key serializer; it must write exactly the stored keys (its snapshot
   *     compatible as is: a key's bytes decide its key group, so the key serializer cannot change)
   * @throws IncompatibleSchemaException if {@code keySerializer} is not the stored one
   * @throws CheckpointException if {@code source} is not canonical (an incremental checkpoint)
   */
  public static <K> SavepointWriter<K> from(SavepointReader source, TypeSerializer<K> keySerializer) {
    Objects.requireNonNull(keySerializer, "keySerializer");
    return from(source, keySerializer, true);
  }

  /**
   * Like {@link #from(SavepointReader, TypeSerializer)}, with the key serializer rebuilt from the
   * stored snapshot where it can be (Cairn's scalars, arrays, and lists, maps and optionals of those).
   * Without one, states can be copied, dropped and renamed, but changing the max parallelism or adding
   * rows is refused with a message asking for the key serializer.
   */
  @SuppressWarnings("unchecked")
  public static SavepointWriter<Object> from(SavepointReader source) {
    TypeSerializer<Object> key = (TypeSerializer<Object>) RestoredSerializers.exact(requireKeySnapshot(source)).orElse(null);
    return from(source, key, false);
  }

  private static TypeSerializerSnapshot<?> requireKeySnapshot(SavepointReader source) {
    Objects.requireNonNull(source, "source");
    source.requireCanonical();
    TypeSerializerSnapshot<?> stored = source.keySerializer();
    if (stored == null) {
      throw new CheckpointException(source.describe() + " has no participant: nothing to start from");
    }
    return stored;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <K> SavepointWriter<K> from(SavepointReader source, TypeSerializer<K> keySerializer, boolean check) {
    TypeSerializerSnapshot stored = requireKeySnapshot(source);
    if (check) {
      SchemaCompatibility compatibility = stored.resolveCompatibility(keySerializer);
      if (!compatibility.isCompatibleAsIs()) {
        throw IncompatibleSchemaException.serializerMismatch("the key serializer " + keySerializer + " does not write the"
            + " stored keys of " + source.describe() + " as they are (" + compatibility.kind() + ": " + compatibility.reason()
            + "); a key's bytes decide its key group, so the key serializer of a savepoint cannot change");
      }
    }
    SavepointWriter<K> writer = new SavepointWriter<>(source, keySerializer, stored, source.maxParallelism(),
        source.participants().size());
    for (String name : source.stateNames()) {
      StateMetaInfo meta = source.meta(name);
      writer.states.put(name, new PlannedState(meta, writer.copyOf(name)));
    }
    for (OperatorStateFormat.StoredList list : source.operatorLists()) {
      writer.operatorStates.put(list.name(), list);
    }
    return writer;
  }

  private Source copyOf(String sourceName) {
    SavepointReader source = base;
    int sourceMaxParallelism = source.maxParallelism();
    return (newMaxParallelism, out) -> {
      try (Stream<StateEntry> entries = source.entries(sourceName)) {
        if (newMaxParallelism == sourceMaxParallelism) {
          entries.forEach(out);
        } else {
          TypeSerializer<K> keys = requireKeySerializer("change the max parallelism of state '" + sourceName + "'");
          entries.forEach(e -> out.accept(new StateEntry(
              KeyGroups.assign(keys, SavepointReader.decode(keys, e.key(), sourceName, "key"), newMaxParallelism),
              e.key(), e.userKey(), e.value(), e.elements())));
        }
      }
    };
  }

  private TypeSerializer<K> requireKeySerializer(String purpose) {
    if (keySerializer == null) {
      throw new IllegalStateException("to " + purpose + ", the key serializer is needed, and the stored one ("
          + keySnapshot + ") cannot be rebuilt without the application's classes: use SavepointWriter.from(source,"
          + " keySerializer)");
    }
    return keySerializer;
  }

  // ------------------------------------------------------------------ structure

  /**
   * Sets the max parallelism of the new savepoint (every key is re-assigned to its key group under
   * it), and, unless {@link #parallelism} is set, spreads the key groups over as many participants as
   * before with {@code KeyGroupRange.forInstance}.
   */
  public SavepointWriter<K> maxParallelism(int maxParallelism) {
    KeyGroups.checkMaxParallelism(maxParallelism);
    if (maxParallelism < parallelism) {
      throw new IllegalArgumentException("max parallelism " + maxParallelism + " is below the number of participants "
          + parallelism + "; set parallelism(n) first");
    }
    this.maxParallelism = maxParallelism;
    return this;
  }

  /**
   * Sets the number of participants the new savepoint is written for, each with {@code
   * KeyGroupRange.forInstance(maxParallelism, parallelism, i)}. Any number of participants can
   * restore any savepoint; this only decides how its files are split.
   */
  public SavepointWriter<K> parallelism(int parallelism) {
    if (parallelism < 1 || parallelism > maxParallelism) {
      throw new IllegalArgumentException("parallelism " + parallelism + " is not within 1 and the max parallelism " + maxParallelism);
    }
    this.parallelism = parallelism;
    this.parallelismSet = true;
    return this;
  }

  /**
   * Drops keyed state {@code name}.
   *
   * @throws IllegalArgumentException if there is no such state
   */
  public SavepointWriter<K> removeState(String name) {
    requireState(name);
    states.remove(name);
    return this;
  }

  /**
   * Renames keyed state {@code from} to {@code to}, keeping its place, entries and serializers.
   *
   * @throws IllegalArgumentException if there is no state {@code from}, or a state {@code to} exists
   */
  public SavepointWriter<K> renameState(String from, String to) {
    requireState(from);
    Objects.requireNonNull(to, "to");
    if (to.isEmpty()) {
      throw new IllegalArgumentException("state names must not be empty");
    }
    if (states.containsKey(to)) {
      throw new IllegalArgumentException("cannot rename state '" + from + "' to '" + to + "': a state of that name exists;"
          + " remove it first");
    }
    Map<String, PlannedState> renamed = new LinkedHashMap<>();
    for (Map.Entry<String, PlannedState> e : states.entrySet()) {
      if (e.getKey().equals(from)) {
        StateMetaInfo m = e.getValue().meta();
        renamed.put(to, new PlannedState(new StateMetaInfo(to, m.kind(), m.valueSerializer(), m.userKeySerializer()),
            e.getValue().source()));
      } else {
        renamed.put(e.getKey(), e.getValue());
      }
    }
    states.clear();
    states.putAll(renamed);
    return this;
  }

  private void requireState(String name) {
    if (!states.containsKey(name)) {
      throw new IllegalArgumentException("no keyed state '" + name + "' to change; the savepoint being written has " + states.keySet());
    }
  }

  // ------------------------------------------------------------------ rows

  /**
   * Sets value state {@code descriptor.name()} to {@code rows} (replacing a state of that name, in its
   * place, or adding it at the end). The descriptor's default value and TTL are not stored.
   */
  public <V> SavepointWriter<K> withValueState(ValueStateDescriptor<V> descriptor, Stream<KeyedRow<K, V>> rows) {
    return withValues(descriptor, descriptor.valueSerializer(), rows);
  }

  /** Sets reducing state {@code descriptor.name()} to {@code rows}, the reduced values; as {@link #withValueState}. */
  public <V> SavepointWriter<K> withReducingState(ReducingStateDescriptor<V> descriptor, Stream<KeyedRow<K, V>> rows) {
    return withValues(descriptor, descriptor.valueSerializer(), rows);
  }

  /** Sets aggregating state {@code descriptor.name()} to {@code rows}, the accumulators; as {@link #withValueState}. */
  public <ACC> SavepointWriter<K> withAggregatingState(
      AggregatingStateDescriptor<?, ACC, ?> descriptor, Stream<KeyedRow<K, ACC>> rows) {
    return withValues(descriptor, descriptor.valueSerializer(), rows);
  }

  /** Sets list state {@code descriptor.name()} to {@code rows}, one per key with its whole (non-empty) list; as {@link #withValueState}. */
  public <E> SavepointWriter<K> withListState(ListStateDescriptor<E> descriptor, Stream<KeyedRow<K, List<E>>> rows) {
    TypeSerializer<E> elements = descriptor.valueSerializer();
    String name = descriptor.name();
    return put(descriptor, (max, out) -> {
      TypeSerializer<K> keys = requireKeySerializer("write rows of state '" + name + "'");
      Set<ByteBuffer> seen = new HashSet<>();
      try (rows) {
        rows.forEach(row -> {
          if (row.value().isEmpty()) {
            return; // an empty list is no state at all
          }
          byte[] key = bytes(keys, row.key(), name, "key");
          checkOnce(seen, key, null, name, row.key(), null);
          List<byte[]> list = new ArrayList<>(row.value().size());
          for (E e : row.value()) {
            list.add(bytes(elements, Objects.requireNonNull(e, () -> "state '" + name + "': null element in the list of key " + row.key()), name, "element"));
          }
          out.accept(new StateEntry(KeyGroups.assign(keys, row.key(), max), key, null, null, List.copyOf(list)));
        });
      }
    });
  }

  /** Sets map state {@code descriptor.name()} to {@code rows}, one per map entry; as {@link #withValueState}. */
  public <UK, V> SavepointWriter<K> withMapState(MapStateDescriptor<UK, V> descriptor, Stream<MapRow<K, UK, V>> rows) {
    TypeSerializer<UK> userKeys = descriptor.userKeySerializer();
    TypeSerializer<V> values = descriptor.valueSerializer();
    String name = descriptor.name();
    return put(descriptor, (max, out) -> {
      TypeSerializer<K> keys = requireKeySerializer("write rows of state '" + name + "'");
      Set<ByteBuffer> seen = new HashSet<>();
      try (rows) {
        rows.forEach(row -> {
          byte[] key = bytes(keys, row.key(), name, "key");
          byte[] userKey = bytes(userKeys, row.userKey(), name, "user key");
          checkOnce(seen, key, userKey, name, row.key(), row.userKey());
          out.accept(new StateEntry(KeyGroups.assign(keys, row.key(), max), key, userKey,
              row.value() == null ? null : bytes(values, row.value(), name, "value"), null));
        });
      }
    });
  }

  private <V> SavepointWriter<K> withValues(StateDescriptor<?> descriptor, TypeSerializer<V> values, Stream<KeyedRow<K, V>> rows) {
    String name = descriptor.name();
    return put(descriptor, (max, out) -> {
      TypeSerializer<K> keys = requireKeySerializer("write rows of state '" + name + "'");
      Set<ByteBuffer> seen = new HashSet<>();
      try (rows) {
        rows.forEach(row -> {
          byte[] key = bytes(keys, row.key(), name, "key");
          checkOnce(seen, key, null, name, row.key(), null);
          out.accept(new StateEntry(KeyGroups.assign(keys, row.key(), max), key, null, bytes(values, row.value(), name, "value"), null));
        });
      }
    });
  }

  private SavepointWriter<K> put(StateDescriptor<?> descriptor, Source source) {
    Objects.requireNonNull(descriptor, "descriptor");
    requireKeySerializer("write rows of state '" + descriptor.name() + "'");
    StateMetaInfo meta = StateMetaInfo.of(descriptor);
    PlannedState planned = new PlannedState(meta, source);
    states.put(meta.name(), planned); // replaces in place, or adds at the end
    return this;
  }

  private static void checkOnce(Set<ByteBuffer> seen, byte[] key, byte[] userKey, String state, Object k, Object uk) {
    byte[] id = key;
    if (userKey != null) {
      id = ByteBuffer.allocate(4 + key.length + userKey.length).putInt(key.length).put(key).put(userKey).array();
    }
    if (!seen.add(ByteBuffer.wrap(id))) {
      throw new IllegalArgumentException("state '" + state + "': key " + k + (uk == null ? "" : ", user key " + uk)
          + " is given more than once; give each at most once (merge the rows first)");
    }
  }

  private static <T> byte[] bytes(TypeSerializer<T> serializer, T value, String state, String role) {
    Objects.requireNonNull(value, () -> "state '" + state + "': null " + role);
    DataOutputBuffer out = new DataOutputBuffer();
    serializer.serialize(value, out);
    return out.toByteArray();
  }

  // ------------------------------------------------------------------ operator state

  /** Sets the operator list state {@code name} (split over the participants on restore) to {@code elements}. */
  public <T> SavepointWriter<K> withOperatorListState(String name, TypeSerializer<T> serializer, List<T> elements) {
    return operatorState(name, serializer, elements, OperatorStateFormat.SPLIT);
  }

  /** Sets the operator union list state {@code name} (given whole to every participant on restore) to {@code elements}. */
  public <T> SavepointWriter<K> withUnionOperatorListState(String name, TypeSerializer<T> serializer, List<T> elements) {
    return operatorState(name, serializer, elements, OperatorStateFormat.UNION);
  }

  /**
   * Drops the operator state {@code name}.
   *
   * @throws IllegalArgumentException if there is none
   */
  public SavepointWriter<K> removeOperatorState(String name) {
    if (operatorStates.remove(name) == null) {
      throw new IllegalArgumentException("no operator state '" + name + "' to remove; there are " + operatorStates.keySet());
    }
    return this;
  }

  private <T> SavepointWriter<K> operatorState(String name, TypeSerializer<T> serializer, List<T> elements, int mode) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(serializer, "serializer");
    List<byte[]> bytes = new ArrayList<>(elements.size());
    for (T element : elements) {
      bytes.add(bytes(serializer, element, "operator state " + name, "element"));
    }
    operatorStates.put(name, new OperatorStateFormat.StoredList(name, mode, serializer.snapshot(), bytes));
    return this;
  }

  // ------------------------------------------------------------------ writing

  /**
   * Writes the savepoint into {@code target}, which must not exist or be an empty directory: the data
   * files first, each durable, then {@code _metadata}, so it exists exactly when complete. Consumes
   * the row streams. If anything fails, the files written so far are removed.
   *
   * @return the number of keyed-state entries written
   * @throws CheckpointException if {@code target} is not usable or writing fails
   * @throws IllegalArgumentException if rows give a key twice
   */
  public long write(Path target) {
    Objects.requireNonNull(target, "target");
    Path absolute = target.toAbsolutePath().normalize();
    if (base != null && absolute.equals(base.directory())) {
      throw new CheckpointException("cannot write the savepoint into " + target + ": it is the directory it is read from");
    }
    try {
      if (Files.exists(absolute) && (!Files.isDirectory(absolute) || Files.isSymbolicLink(absolute))) {
        throw new CheckpointException("savepoint directory " + target + " is not a directory (symbolic links are refused)");
      }
      if (Files.isDirectory(absolute)) {
        try (Stream<Path> children = Files.list(absolute)) {
          if (children.findAny().isPresent()) {
            throw new CheckpointException("savepoint directory " + target + " is not empty");
          }
        }
      }
    } catch (IOException e) {
      throw new CheckpointException("cannot use savepoint directory " + target + ": " + e.getMessage(), e);
    }

    List<KeyGroupRange> ranges = ranges();
    List<StateMetaInfo> metas = states.values().stream().map(PlannedState::meta).toList();
    // per key group, per state index: the entries
    Map<Integer, List<StateEntry>[]> byGroup = new HashMap<>();
    long total = 0;
    int stateIndex = 0;
    for (PlannedState state : states.values()) {
      int index = stateIndex++;
      long[] count = {0};
      state.source().entries(maxParallelism, e -> {
        @SuppressWarnings("unchecked")
        List<StateEntry>[] perState = byGroup.computeIfAbsent(e.keyGroup(), g -> new List[metas.size()]);
        if (perState[index] == null) {
          perState[index] = new ArrayList<>();
        }
        perState[index].add(e);
        count[0]++;
      });
      total += count[0];
    }

    CheckpointStorage storage = LocalCheckpointStorage.at(FileLayer.local(), absolute);
    List<String> written = new ArrayList<>();
    try {
      List<CheckpointMetadata.Participant> participants = new ArrayList<>();
      for (int i = 0; i < ranges.size(); i++) {
        KeyGroupRange range = ranges.get(i);
        String keyedName = CheckpointLayout.privateFileName(i, KeyedSnapshotFormat.STREAM_NAME);
        written.add(keyedName);
        StoredFile keyed = CheckpointFiles.write(storage, keyedName, CheckpointLayout.STREAM_MAGIC,
            CheckpointLayout.STREAM_VERSION, out -> {
              KeyedSnapshotWriter writer = new KeyedSnapshotWriter(out, maxParallelism, range, keySnapshot, metas);
              for (int g = range.startKeyGroup(); g <= range.endKeyGroup(); g++) {
                List<StateEntry>[] perState = byGroup.get(g);
                if (perState == null) {
                  continue;
                }
                for (int s = 0; s < perState.length; s++) {
                  if (perState[s] == null) {
                    continue;
                  }
                  writer.beginSection(g, s);
                  StateKind kind = metas.get(s).kind();
                  for (StateEntry e : perState[s]) {
                    switch (kind) {
                      case LIST -> writer.writeList(e.key(), e.key().length, e.elements());
                      case MAP -> writer.writeMapEntry(e.key(), e.key().length, e.userKey(), e.userKey().length,
                          e.value(), e.value() == null ? 0 : e.value().length);
                      default -> writer.writeValue(e.key(), e.key().length, e.value(), e.value().length);
                    }
                  }
                  writer.endSection();
                }
              }
              writer.finish();
            });
        String operatorName = CheckpointLayout.privateFileName(i, CheckpointLayout.OPERATOR_STATE_ENTRY);
        written.add(operatorName);
        byte[] operatorPayload = OperatorStateFormat.encode(i == 0 ? List.copyOf(operatorStates.values()) : List.of());
        StoredFile operator = CheckpointFiles.write(storage, operatorName, OperatorStateFormat.MAGIC,
            OperatorStateFormat.VERSION, out -> out.write(operatorPayload));
        participants.add(new CheckpointMetadata.Participant(maxParallelism, range, KeyedSnapshotFormat.FORMAT,
            List.of(new CheckpointMetadata.Entry(KeyedSnapshotFormat.STREAM_NAME, keyed)), metas, operator));
      }
      UUID jobId = base == null || base.jobId() == null ? UUID.randomUUID() : base.jobId();
      long id = base == null ? 1 : base.checkpointId();
      CheckpointMetadata metadata = new CheckpointMetadata(jobId, id, System.currentTimeMillis(), true, participants);
      storage.commitMetadata(CheckpointLayout.METADATA, MetadataFormat.encodeFile(metadata)); // last: the commit point
    } catch (IOException | RuntimeException e) {
      for (String name : written) {
        try {
          storage.delete(name);
        } catch (IOException | RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof CheckpointException c) {
        throw c;
      }
      throw new CheckpointException("could not write savepoint " + target + ": " + e.getMessage(), e);
    }
    return total;
  }

  private List<KeyGroupRange> ranges() {
    List<KeyGroupRange> ranges = new ArrayList<>();
    if (base != null && !parallelismSet && maxParallelism == base.maxParallelism()) {
      base.participants().forEach(p -> ranges.add(p.keyGroupRange()));
      return ranges;
    }
    int n = Math.min(parallelism, maxParallelism);
    for (int i = 0; i < n; i++) {
      ranges.add(KeyGroupRange.forInstance(maxParallelism, n, i));
    }
    return ranges;
  }
}
