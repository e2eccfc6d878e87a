package dev.cairn.checkpoint.processor;

import dev.cairn.checkpoint.CheckpointCorruptedException;
import dev.cairn.checkpoint.CheckpointException;
import dev.cairn.checkpoint.internal.CheckpointFiles;
import dev.cairn.checkpoint.internal.CheckpointLayout;
import dev.cairn.checkpoint.internal.CheckpointMetadata;
import dev.cairn.checkpoint.internal.FileSnapshotInput;
import dev.cairn.checkpoint.internal.JobStore;
import dev.cairn.checkpoint.internal.OperatorStateFormat;
import dev.cairn.checkpoint.internal.StoredFile;
import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.checkpoint.storage.CorruptFileException;
import dev.cairn.checkpoint.storage.FileLayer;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.SerializationException;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.StateException;
import dev.cairn.state.StateKind;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.RestoredSerializers;
import dev.cairn.state.serde.SchemaCompatibility;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.KeyedSnapshotReader;
import dev.cairn.state.spi.StateMetaInfo;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.SnapshotOutput;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Reads a checkpoint or savepoint offline, without a coordinator or a backend: Cairn's State
 * Processor API (with {@link SavepointWriter}). Lists its participants, keyed states (kind,
 * serializers, entry counts and sizes) and operator states, and reads every entry of a state as typed
 * rows, with the serializers you pass (checked against the stored serializer snapshots; an older
 * format is read through the snapshot's restore serializer, as on restore) or, for inspection,
 * generic rows decoded from the snapshots alone ({@link #rows}).
 *
 * <pre>{@code
 * try (SavepointReader savepoint = SavepointReader.open(Path.of("/backups/sp-1"));
 *     Stream<KeyedRow<String, Long>> rows = savepoint.readValues("count", Serializers.STRING, Serializers.LONG)) {
 *   for (StateInfo s : savepoint.states()) System.out.println(s.name() + " " + s.kind() + " " + s.entries());
 *   rows.forEach(row -> System.out.println(row.key() + " = " + row.value()));
 * }
 * }</pre>
 *
 * <p>Every file is verified as it is read (framing, size and CRC32C against the metadata); damage is a
 * {@link CheckpointCorruptedException} naming the file. Entries are read from canonical snapshots:
 * savepoints and full checkpoints. Incremental checkpoints ({@code rocksdb-native-v1}, {@code
 * heap-incremental-v1}) can always be listed and verified; their entries are read when the reader is
 * opened with {@link NativeFormatBackends} (each participant is restored into a backend of its kind
 * and snapshotted canonically into a temporary file, removed by {@link #close()}), and otherwise
 * refused with a message saying how to get a savepoint. Reads are streamed one participant at a time:
 * a stream holds the entries of one participant's part of the state in memory. A reader holds no open
 * file between calls and is safe to use from one thread at a time.
 */
public final class SavepointReader implements AutoCloseable {

  /** The largest operator-state payload read (as the coordinator's limit). */
  private static final int MAX_OPERATOR_STATE_BYTES = 256 << 20;

  /**
   * One participant of the checkpoint.
   *
   * @param index its index
   * @param maxParallelism its backend's max parallelism
   * @param keyGroupRange its backend's key groups
   * @param format the format of its keyed snapshot ({@code canonical}, {@code rocksdb-native-v1},
   *     {@code heap-incremental-v1})
   * @param files the number of keyed-state files it lists
   * @param keyedBytes their total size in bytes
   * @param operatorStateBytes the size of its operator-state file
   */
  public record Participant(
      int index, int maxParallelism, KeyGroupRange keyGroupRange, String format, int files, long keyedBytes,
      long operatorStateBytes) {}

  private final Path directory;
  private final CheckpointStorage location;
  private final CheckpointStorage job;
  private final CheckpointMetadata metadata;
  private final Map<String, StateMetaInfo> metaInfos = new LinkedHashMap<>();
  private final NativeFormatBackends backends;
  /** Canonical snapshots of participants in a backend's own format, by participant index. */
  private final Map<Integer, Path> converted = new java.util.HashMap<>();
  private List<StateInfo> states;
  private TypeSerializerSnapshot<?> keySerializer;
  private boolean keySerializerRead;

  private SavepointReader(
      Path directory, CheckpointStorage location, CheckpointStorage job, CheckpointMetadata metadata, NativeFormatBackends backends) {
    this.directory = directory;
    this.location = location;
    this.job = job;
    this.metadata = metadata;
    this.backends = backends;
    for (CheckpointMetadata.Participant p : metadata.participants()) {
      for (StateMetaInfo state : p.states()) {
        metaInfos.putIfAbsent(state.name(), state);
      }
    }
  }

  /**
   * Opens the checkpoint ({@code <job dir>/chk-<id>}) or savepoint in {@code directory}: reads and
   * verifies its metadata. The data files are verified when they are read.
   *
   * @throws CheckpointException if the directory does not exist, is not a directory, or holds no
   *     checkpoint or savepoint (for a job directory, the message names its latest complete
   *     checkpoint)
   * @throws CheckpointCorruptedException naming the file if the metadata is damaged or truncated
   */
  public static SavepointReader open(Path directory) {
    return open(directory, null);
  }

  /**
   * Like {@link #open(Path)}, and reads incremental checkpoints too: participants in a backend's own
   * format are restored into backends from {@code backends} (see {@link NativeFormatBackends}).
   * Close the reader to remove the temporary files this makes.
   *
   * @param backends builds the backends, or null to refuse such participants
   */
  public static SavepointReader open(Path directory, NativeFormatBackends backends) {
    Objects.requireNonNull(directory, "directory");
    Path absolute = directory.toAbsolutePath().normalize();
    if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS) && !Files.exists(absolute)) {
      throw new CheckpointException("cannot open " + directory + ": it does not exist");
    }
    if (!Files.isDirectory(absolute)) {
      throw new CheckpointException("cannot open " + directory + ": not a directory (give the directory of a"
          + " checkpoint, chk-<id>, or of a savepoint)");
    }
    Path metadataFile = absolute.resolve(CheckpointLayout.METADATA);
    if (Files.isSymbolicLink(metadataFile)) {
      throw new CheckpointException("cannot open " + directory + ": " + metadataFile
          + " is a symbolic link; checkpoint files are never read through links");
    }
    CheckpointStorage location = LocalCheckpointStorage.at(FileLayer.local(), absolute);
    CheckpointStorage job = absolute.getParent() == null ? location : LocalCheckpointStorage.at(FileLayer.local(), absolute.getParent());
    CheckpointMetadata metadata;
    try {
      if (!location.exists(CheckpointLayout.METADATA)) {
        throw new CheckpointException(noCheckpointMessage(directory, location));
      }
      metadata = JobStore.readMetadata(location);
    } catch (CorruptFileException e) {
      throw new CheckpointCorruptedException(-1, e.file(), e);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + directory + ": " + e.getMessage(), e);
    }
    OptionalLong idOfDirectory = CheckpointLayout.checkpointId(absolute.getFileName().toString());
    if (idOfDirectory.isPresent() && idOfDirectory.getAsLong() != metadata.checkpointId()) {
      String file = location.describe(CheckpointLayout.METADATA);
      throw new CheckpointCorruptedException(metadata.checkpointId(), file, new CorruptFileException(file,
          "metadata of checkpoint " + metadata.checkpointId() + " in the directory of checkpoint " + idOfDirectory.getAsLong()));
    }
    return new SavepointReader(absolute, location, job, metadata, backends);
  }

  static String noCheckpointMessage(Path directory, CheckpointStorage location) throws IOException {
    long latest = -1;
    boolean jobDirectory = false;
    for (String child : location.list("").directories()) {
      OptionalLong id = CheckpointLayout.checkpointId(child);
      if (id.isPresent() || child.equals(CheckpointLayout.SHARED_DIRECTORY)) {
        jobDirectory = true;
      }
      if (id.isPresent() && id.getAsLong() > latest && location.child(child).exists(CheckpointLayout.METADATA)) {
        latest = id.getAsLong();
      }
    }
    if (jobDirectory) {
      return directory + " is not a checkpoint but a job directory: give one of its checkpoints, " + (latest >= 0
          ? "such as " + directory.resolve(CheckpointLayout.checkpointDirectory(latest)) + " (its latest complete one)"
          : "once one is complete (it holds none)");
    }
    return directory + " is not a checkpoint or savepoint: it has no " + CheckpointLayout.METADATA
        + " (a checkpoint directory without one was never completed)";
  }

  // ------------------------------------------------------------------ what it holds

  /** Returns the directory, absolute. */
  public Path directory() {
    return directory;
  }

  /** Returns the checkpoint's id. */
  public long checkpointId() {
    return metadata.checkpointId();
  }

  /** Returns the id of the job that wrote it, or null for checkpoints of format v1, which had none. */
  public UUID jobId() {
    return metadata.jobId();
  }

  /** Returns when it was triggered. */
  public Instant timestamp() {
    return Instant.ofEpochMilli(metadata.timestampMillis());
  }

  /** Returns whether it is a savepoint. */
  public boolean isSavepoint() {
    return metadata.savepoint();
  }

  /** Returns the max parallelism (that of its first participant; all participants share it). */
  public int maxParallelism() {
    return metadata.participants().isEmpty() ? -1 : metadata.participants().get(0).maxParallelism();
  }

  /**
   * Returns whether every participant's keyed snapshot is canonical (a savepoint or a full
   * checkpoint).
   */
  public boolean isCanonical() {
    return metadata.participants().stream().allMatch(p -> p.format().equals(KeyedSnapshotFormat.FORMAT));
  }

  /**
   * Returns whether the entries can be read: the snapshot is canonical, or the reader was opened with
   * {@link NativeFormatBackends}.
   */
  public boolean isReadable() {
    return backends != null || isCanonical();
  }

  /** Returns the participants, in index order. */
  public List<Participant> participants() {
    List<Participant> result = new ArrayList<>();
    for (int i = 0; i < metadata.participants().size(); i++) {
      CheckpointMetadata.Participant p = metadata.participants().get(i);
      long bytes = p.entries().stream().mapToLong(e -> e.file().size()).sum();
      result.add(new Participant(i, p.maxParallelism(), p.keyGroupRange(), p.format(), p.entries().size(), bytes,
          p.operatorState().size()));
    }
    return result;
  }

  /** Returns the total size of the files it lists, shared files once (its metadata excluded). */
  public long dataSize() {
    return metadata.dataSize();
  }

  /** Returns the names of the files it lists: private ones relative to its directory, shared ones to the job's. */
  public List<String> files() {
    return metadata.files().stream().map(StoredFile::path).distinct().toList();
  }

  /** Returns the names of its keyed states, in stored order. */
  public List<String> stateNames() {
    return List.copyOf(metaInfos.keySet());
  }

  /**
   * Returns its keyed states with their serializer snapshots, entry counts and sizes. The counts
   * come from reading every entry once (cached); -1 when the entries cannot be read (see {@link
   * #isReadable()}).
   *
   * @throws CheckpointCorruptedException naming the file if a file is damaged
   */
  public List<StateInfo> states() {
    if (states == null) {
      Map<String, long[]> counts = new LinkedHashMap<>();
      metaInfos.keySet().forEach(name -> counts.put(name, new long[2]));
      if (isReadable()) {
        for (int i = 0; i < metadata.participants().size(); i++) {
          readParticipant(i, null, (name, e) -> {
            long[] c = counts.get(name);
            c[0]++;
            c[1] += e.key().length + (e.userKey() == null ? 0 : e.userKey().length) + (e.value() == null ? 0 : e.value().length);
            if (e.elements() != null) {
              e.elements().forEach(el -> c[1] += el.length);
            }
          });
        }
      } else {
        counts.values().forEach(c -> Arrays.fill(c, -1));
      }
      TypeSerializerSnapshot<?> key = keySerializer();
      List<StateInfo> result = new ArrayList<>();
      for (StateMetaInfo meta : metaInfos.values()) {
        long[] c = counts.get(meta.name());
        result.add(new StateInfo(meta.name(), meta.kind(), key, meta.valueSerializer(), meta.userKeySerializer(), c[0], c[1]));
      }
      states = List.copyOf(result);
    }
    return states;
  }

  /**
   * Returns the state {@code name}.
   *
   * @throws IllegalArgumentException naming the states there are if there is none of that name
   */
  public StateInfo state(String name) {
    meta(name);
    return states().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  /**
   * Returns the snapshot of the key serializer, read from the first participant's canonical stream
   * header, or null when the entries cannot be read (see {@link #isReadable()}).
   */
  public TypeSerializerSnapshot<?> keySerializer() {
    if (!keySerializerRead) {
      if (isReadable() && !metadata.participants().isEmpty()) {
        FileSnapshotInput input = input(0);
        try (InputStream in = openCanonical(0, input)) {
          keySerializer = new KeyedSnapshotReader(in, input.description()).keySerializer();
        } catch (IOException | SnapshotException e) {
          throw damage(input, e);
        }
      }
      keySerializerRead = true;
    }
    return keySerializer;
  }

  StateMetaInfo meta(String name) {
    StateMetaInfo meta = metaInfos.get(name);
    if (meta == null) {
      throw new IllegalArgumentException(describe() + " has no keyed state '" + name + "'; it has " + metaInfos.keySet());
    }
    return meta;
  }

  /** Describes it for messages: kind, id and directory. */
  public String describe() {
    return (metadata.savepoint() ? "savepoint " : "checkpoint ") + metadata.checkpointId() + " (" + directory + ")";
  }

  // ------------------------------------------------------------------ entries

  /**
   * Returns the bytes of every entry of state {@code name}, participant by participant (lazily: a
   * participant's part is read when the stream reaches it).
   *
   * @throws IllegalArgumentException if there is no such state
   * @throws CheckpointException if the snapshot is not canonical (an incremental checkpoint) and the
   *     reader has no {@link NativeFormatBackends}
   * @throws CheckpointCorruptedException naming the file, when the stream reaches a damaged one
   */
  public Stream<StateEntry> entries(String name) {
    meta(name);
    requireCanonical();
    return IntStream.range(0, metadata.participants().size()).boxed().flatMap(i -> {
      List<StateEntry> part = new ArrayList<>();
      readParticipant(i, name, (state, e) -> part.add(e));
      return part.stream();
    });
  }

  /**
   * Reads value, reducing or aggregating state {@code name} (the accumulators of aggregating state).
   *
   * @param keySerializer the key serializer; it must be able to read the stored keys (as is or
   *     through the stored snapshot's restore serializer)
   * @param valueSerializer the value serializer, likewise
   * @throws IllegalArgumentException if there is no such state or it is of another kind
   * @throws IncompatibleSchemaException if a serializer cannot read the stored data
   */
  public <K, V> Stream<KeyedRow<K, V>> readValues(String name, TypeSerializer<K> keySerializer, TypeSerializer<V> valueSerializer) {
    StateMetaInfo meta = requireKind(name, StateKind.VALUE, StateKind.REDUCING, StateKind.AGGREGATING);
    TypeSerializer<K> keys = keyReader(name, keySerializer);
    TypeSerializer<V> values = reader(name, "value", meta.valueSerializer(), valueSerializer);
    return entries(name).map(e -> new KeyedRow<>(decode(keys, e.key(), name, "key"), decode(values, e.value(), name, "value")));
  }

  /** Reads list state {@code name}: one row per key with its whole list. Otherwise as {@link #readValues}. */
  public <K, E> Stream<KeyedRow<K, List<E>>> readLists(String name, TypeSerializer<K> keySerializer, TypeSerializer<E> elementSerializer) {
    StateMetaInfo meta = requireKind(name, StateKind.LIST);
    TypeSerializer<K> keys = keyReader(name, keySerializer);
    TypeSerializer<E> elements = reader(name, "element", meta.valueSerializer(), elementSerializer);
    return entries(name).map(e -> {
      List<E> list = new ArrayList<>(e.elements().size());
      for (byte[] element : e.elements()) {
        list.add(decode(elements, element, name, "element"));
      }
      return new KeyedRow<>(decode(keys, e.key(), name, "key"), list);
    });
  }

  /** Reads map state {@code name}: one row per map entry. Otherwise as {@link #readValues}. */
  public <K, UK, V> Stream<MapRow<K, UK, V>> readMap(
      String name, TypeSerializer<K> keySerializer, TypeSerializer<UK> userKeySerializer, TypeSerializer<V> valueSerializer) {
    StateMetaInfo meta = requireKind(name, StateKind.MAP);
    TypeSerializer<K> keys = keyReader(name, keySerializer);
    TypeSerializer<UK> userKeys = reader(name, "user key", meta.userKeySerializer(), userKeySerializer);
    TypeSerializer<V> values = reader(name, "value", meta.valueSerializer(), valueSerializer);
    return entries(name).map(e -> new MapRow<>(decode(keys, e.key(), name, "key"),
        decode(userKeys, e.userKey(), name, "user key"), e.value() == null ? null : decode(values, e.value(), name, "value")));
  }

  /**
   * Reads state {@code name} without the application's serializers, decoding with readers rebuilt
   * from the stored serializer snapshots ({@link RestoredSerializers#generic}); data they cannot
   * decode (Kryo) comes as {@link StateRow.Undecoded} bytes. For inspection: the typed methods give
   * the application's own values.
   */
  public Stream<StateRow> rows(String name) {
    StateMetaInfo meta = meta(name);
    requireCanonical();
    Function<byte[], Object> key = generic(name, "key", keySerializer());
    Function<byte[], Object> value = generic(name, meta.kind() == StateKind.LIST ? "element" : "value", meta.valueSerializer());
    Function<byte[], Object> userKey = meta.kind() == StateKind.MAP ? generic(name, "user key", meta.userKeySerializer()) : null;
    return entries(name).map(e -> new StateRow(key.apply(e.key()),
        userKey == null ? null : userKey.apply(e.userKey()),
        e.elements() != null ? e.elements().stream().map(value).toList() : e.value() == null ? null : value.apply(e.value())));
  }

  private static Function<byte[], Object> generic(String state, String role, TypeSerializerSnapshot<?> snapshot) {
    var reader = RestoredSerializers.generic(snapshot);
    if (reader.isEmpty()) {
      return bytes -> new StateRow.Undecoded(String.valueOf(snapshot), bytes);
    }
    return bytes -> {
      DataInputBuffer in = new DataInputBuffer(bytes);
      Object v = reader.get().read(in);
      checkConsumed(in, bytes, state, role);
      return v;
    };
  }

  // ------------------------------------------------------------------ operator state

  /**
   * Returns the operator list states, all participants' parts merged (as a restore merges them).
   *
   * @throws CheckpointCorruptedException naming the file if one is damaged
   */
  public List<OperatorStateInfo> operatorStates() {
    List<OperatorStateInfo> result = new ArrayList<>();
    for (OperatorStateFormat.StoredList list : operatorLists()) {
      result.add(new OperatorStateInfo(list.name(), list.mode() == OperatorStateFormat.UNION, list.serializer(), list.elements().size()));
    }
    return result;
  }

  /**
   * Reads the operator list state {@code name}: every participant's elements, in participant order.
   *
   * @throws IllegalArgumentException if there is no such operator state
   * @throws IncompatibleSchemaException if {@code serializer} cannot read the stored elements
   */
  public <T> List<T> readOperatorState(String name, TypeSerializer<T> serializer) {
    for (OperatorStateFormat.StoredList list : operatorLists()) {
      if (list.name().equals(name)) {
        TypeSerializer<T> reader = reader("operator state " + name, "element", list.serializer(), serializer);
        List<T> values = new ArrayList<>();
        for (byte[] element : list.elements()) {
          values.add(decode(reader, element, name, "element"));
        }
        return values;
      }
    }
    throw new IllegalArgumentException(describe() + " has no operator state '" + name + "'; it has "
        + operatorLists().stream().map(OperatorStateFormat.StoredList::name).toList());
  }

  /** The operator lists of every participant merged in participant order (as a restore merges them). */
  List<OperatorStateFormat.StoredList> operatorLists() {
    Map<String, OperatorStateFormat.StoredList> merged = new LinkedHashMap<>();
    for (int i = 0; i < metadata.participants().size(); i++) {
      for (OperatorStateFormat.StoredList list : readOperatorFile(i)) {
        OperatorStateFormat.StoredList previous = merged.get(list.name());
        if (previous == null) {
          merged.put(list.name(), list);
        } else if (previous.mode() != list.mode() || !previous.serializer().equals(list.serializer())) {
          throw new CheckpointCorruptedException(metadata.checkpointId(), operatorFile(i), new SerializationException(
              "operator state '" + list.name() + "' is stored with different modes or serializers by different participants"));
        } else {
          List<byte[]> elements = new ArrayList<>(previous.elements());
          elements.addAll(list.elements());
          merged.put(list.name(), new OperatorStateFormat.StoredList(list.name(), list.mode(), list.serializer(), elements));
        }
      }
    }
    return List.copyOf(merged.values());
  }

  private String operatorFile(int index) {
    StoredFile file = metadata.participants().get(index).operatorState();
    return (file.shared() ? job : location).describe(file.path());
  }

  private List<OperatorStateFormat.StoredList> readOperatorFile(int index) {
    StoredFile file = metadata.participants().get(index).operatorState();
    CheckpointStorage storage = file.shared() ? job : location;
    try {
      byte[] bytes = CheckpointFiles.readVerified(storage, file.path(), OperatorStateFormat.MAGIC,
          OperatorStateFormat.VERSION, OperatorStateFormat.VERSION, file, MAX_OPERATOR_STATE_BYTES).bytes();
      return OperatorStateFormat.decode(bytes);
    } catch (CorruptFileException e) {
      throw new CheckpointCorruptedException(metadata.checkpointId(), e.file(), e);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + storage.describe(file.path()) + ": " + e.getMessage(), e);
    } catch (StateException | IllegalArgumentException e) {
      throw new CheckpointCorruptedException(metadata.checkpointId(), storage.describe(file.path()), e);
    }
  }

  // ------------------------------------------------------------------ verification

  /**
   * Verifies every file the checkpoint lists, shared ones included: framing, size and CRC32C against
   * the metadata; canonical keyed-state streams are also parsed to their end and operator state
   * decoded.
   *
   * @return the files verified, as paths
   * @throws CheckpointCorruptedException naming the first damaged file
   */
  public List<String> verify() {
    List<String> verified = new ArrayList<>();
    verified.add(location.describe(CheckpointLayout.METADATA));
    for (int i = 0; i < metadata.participants().size(); i++) {
      CheckpointMetadata.Participant p = metadata.participants().get(i);
      FileSnapshotInput input = input(i);
      try {
        input.verifyAll();
      } catch (IOException | SnapshotException e) {
        throw damage(input, e);
      }
      for (CheckpointMetadata.Entry e : p.entries()) {
        verified.add((e.file().shared() ? job : location).describe(e.file().path()));
      }
      if (p.format().equals(KeyedSnapshotFormat.FORMAT)) {
        readParticipant(i, null, (name, e) -> {});
      }
      readOperatorFile(i);
      verified.add(operatorFile(i));
    }
    return verified;
  }

  // ------------------------------------------------------------------ internals

  /** Receives the entries of one participant with their state's name. */
  interface EntryConsumer {
    void accept(String state, StateEntry entry);
  }

  private FileSnapshotInput input(int index) {
    return new FileSnapshotInput(location, job, metadata.participants().get(index), false,
        describe() + ", task " + index);
  }

  /** Reads participant {@code index}'s canonical stream to its end (verifying it), passing the entries of {@code onlyState} (or all). */
  void readParticipant(int index, String onlyState, EntryConsumer consumer) {
    FileSnapshotInput input = input(index);
    try (InputStream in = openCanonical(index, input)) {
      KeyedSnapshotReader reader = new KeyedSnapshotReader(in, input.description());
      List<String> names = reader.states().stream().map(StateMetaInfo::name).toList();
      reader.readEntries(reader.keyGroupRange(), new KeyedSnapshotReader.EntryVisitor() {
        @Override
        public void value(int stateIndex, int keyGroup, byte[] key, byte[] value) {
          pass(stateIndex, new StateEntry(keyGroup, key, null, value, null));
        }

        @Override
        public void list(int stateIndex, int keyGroup, byte[] key, List<byte[]> elements) {
          pass(stateIndex, new StateEntry(keyGroup, key, null, null, List.copyOf(elements)));
        }

        @Override
        public void mapEntry(int stateIndex, int keyGroup, byte[] key, byte[] userKey, byte[] value) {
          pass(stateIndex, new StateEntry(keyGroup, key, userKey, value, null));
        }

        private void pass(int stateIndex, StateEntry entry) {
          String name = names.get(stateIndex);
          if (onlyState == null || onlyState.equals(name)) {
            consumer.accept(name, entry);
          }
        }
      });
    } catch (IOException | SnapshotException e) {
      throw damage(input, e);
    }
  }

  /** Opens participant {@code index}'s canonical stream: stored, or made from its own format. */
  private InputStream openCanonical(int index, FileSnapshotInput input) throws IOException {
    CheckpointMetadata.Participant p = metadata.participants().get(index);
    if (p.format().equals(KeyedSnapshotFormat.FORMAT)) {
      return input.openStream(KeyedSnapshotFormat.STREAM_NAME);
    }
    if (backends == null) {
      throw notCanonical(index);
    }
    Path file = converted.get(index);
    if (file == null) {
      file = convert(index, input);
      converted.put(index, file);
    }
    return Files.newInputStream(file);
  }

  /** Restores participant {@code index} into a backend of its kind and writes its canonical snapshot to a temporary file. */
  private Path convert(int index, FileSnapshotInput input) throws IOException {
    CheckpointMetadata.Participant p = metadata.participants().get(index);
    Path file = Files.createTempFile("cairn-processor-task-" + index + "-", ".keyed-state");
    boolean done = false;
    try (KeyedStateBackend<?> backend = Objects.requireNonNull(
        backends.backendFor(p.format(), p.maxParallelism(), p.keyGroupRange()), "the backend for format " + p.format())) {
      if (backend.maxParallelism() != p.maxParallelism() || !backend.keyGroupRange().equals(p.keyGroupRange())) {
        throw new IllegalArgumentException("the backend for " + input.description() + " has max parallelism "
            + backend.maxParallelism() + " and key groups " + backend.keyGroupRange() + "; it needs " + p.maxParallelism()
            + " and " + p.keyGroupRange());
      }
      Snapshotable snapshotable = Snapshotable.of(backend);
      snapshotable.restore(List.of(input));
      try (StateSnapshot snapshot = snapshotable.snapshot(metadata.checkpointId(), SnapshotMode.CANONICAL)) {
        snapshot.writeTo(new SnapshotOutput() {
          @Override
          public OutputStream createStream(String name) throws IOException {
            if (!name.equals(KeyedSnapshotFormat.STREAM_NAME)) {
              throw new IllegalArgumentException("a canonical snapshot has one stream, " + KeyedSnapshotFormat.STREAM_NAME
                  + ", not '" + name + "'");
            }
            return new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
          }

          @Override
          public SharedFileHandle writeShared(String name, ContentWriter content) {
            throw new IllegalArgumentException("a canonical snapshot writes no shared file ('" + name + "')");
          }

          @Override
          public void referenceShared(String name, SharedFileHandle handle) {
            throw new IllegalArgumentException("a canonical snapshot references no shared file ('" + name + "')");
          }
        });
      }
      done = true;
      return file;
    } finally {
      if (!done) {
        Files.deleteIfExists(file);
      }
    }
  }

  /** Removes the temporary files made for participants in a backend's own format. Idempotent. */
  @Override
  public void close() {
    for (Path file : converted.values()) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a temporary file: left to the OS
      }
    }
    converted.clear();
  }

  private CheckpointException damage(FileSnapshotInput input, Exception e) {
    if (e instanceof CorruptFileException c) {
      return new CheckpointCorruptedException(metadata.checkpointId(), c.file(), c);
    }
    CorruptFileException found = input.findDamage();
    if (found != null) {
      found.addSuppressed(e);
      return new CheckpointCorruptedException(metadata.checkpointId(), found.file(), found);
    }
    if (e instanceof SnapshotException) {
      return new CheckpointCorruptedException(metadata.checkpointId(), input.description(), e);
    }
    return new CheckpointException("cannot read " + input.description() + ": " + e.getMessage(), e);
  }

  void requireCanonical() {
    for (int i = 0; i < metadata.participants().size(); i++) {
      if (backends == null && !metadata.participants().get(i).format().equals(KeyedSnapshotFormat.FORMAT)) {
        throw notCanonical(i);
      }
    }
  }

  private CheckpointException notCanonical(int index) {
    return new CheckpointException(describe() + ": task " + index + " stored its keyed state in format '"
        + metadata.participants().get(index).format() + "' (an incremental checkpoint), which the state processor"
        + " reads only through backends of that kind (SavepointReader.open(dir, NativeFormatBackends)); otherwise"
        + " take a savepoint of the job (coordinator.triggerSavepoint(dir) or task.savepointNow(dir) on the task thread)"
        + " or a full checkpoint (a coordinator without incrementalCheckpoints()), and open that");
  }

  private StateMetaInfo requireKind(String name, StateKind... kinds) {
    StateMetaInfo meta = meta(name);
    requireCanonical();
    if (!List.of(kinds).contains(meta.kind())) {
      String method = switch (meta.kind()) {
        case LIST -> "readLists";
        case MAP -> "readMap";
        default -> "readValues";
      };
      throw new IllegalArgumentException("state '" + name + "' of " + describe() + " is " + meta.kind()
          + " state: read it with " + method);
    }
    return meta;
  }

  private <K> TypeSerializer<K> keyReader(String state, TypeSerializer<K> keySerializer) {
    TypeSerializerSnapshot<?> stored = keySerializer();
    return reader(state, "key", stored, keySerializer);
  }

  /** The serializer that reads data {@code stored} describes as {@code now}'s type. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <T> TypeSerializer<T> reader(String state, String role, TypeSerializerSnapshot stored, TypeSerializer<T> now) {
    Objects.requireNonNull(now, role + " serializer");
    SchemaCompatibility compatibility = stored.resolveCompatibility(now);
    if (compatibility.isIncompatible()) {
      throw IncompatibleSchemaException.serializerMismatch("state '" + state + "': the " + role + " serializer " + now
          + " cannot read the stored data, written with " + stored + " (" + compatibility.reason() + ")");
    }
    try {
      return stored.restoreSerializer(now);
    } catch (UnsupportedOperationException e) {
      throw new IncompatibleSchemaException("state '" + state + "': " + e.getMessage(), e);
    }
  }

  static <T> T decode(TypeSerializer<T> serializer, byte[] bytes, String state, String role) {
    DataInputBuffer in = new DataInputBuffer(bytes);
    T value = serializer.deserialize(in);
    checkConsumed(in, bytes, state, role);
    return value;
  }

  private static void checkConsumed(DataInputBuffer in, byte[] bytes, String state, String role) {
    if (in.remaining() != 0) {
      throw new SerializationException("state '" + state + "': a " + role + " of " + bytes.length + " bytes left "
          + in.remaining() + " unread: not the serializer it was written with");
    }
  }
}
