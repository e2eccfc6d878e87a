package dev.cairn.checkpoint;

import static dev.cairn.checkpoint.CheckpointCoordinatorTest.KEYS;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.checkpoint;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.drive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.checkpoint.processor.KeyedRow;
import dev.cairn.checkpoint.processor.MapRow;
import dev.cairn.checkpoint.processor.OperatorStateInfo;
import dev.cairn.checkpoint.processor.SavepointReader;
import dev.cairn.checkpoint.processor.SavepointWriter;
import dev.cairn.checkpoint.processor.StateInfo;
import dev.cairn.checkpoint.processor.StateRow;
import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.ReducingState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.StateKind;
import dev.cairn.state.ValueState;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.KeyGroupRange;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The state processor: reading savepoints and checkpoints offline, writing new savepoints that restore exactly. */
class StateProcessorTest {

  private static final int RECORDS = 3_000;

  @TempDir Path dir;

  private static Function<KeyGroupRange, KeyedStateBackend<Long>> backend(String name) {
    return name.equals("heap") ? TestJob.HEAP : TestJob.ROCKSDB;
  }

  /** Runs a job over RECORDS records and writes a savepoint to {@code target}; returns its dump. */
  private Map<Long, String> savepoint(String backend, Path target) {
    try (TestJob job = new TestJob(backend(backend), KeyGroupRange.all(128)).open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job-" + backend)).build()) {
      CheckpointParticipant task = coordinator.register(job.backend, job.operatorState);
      job.processRange(0, RECORDS, KEYS);
      drive(coordinator.triggerSavepoint(target), List.of(task));
      return job.dump();
    }
  }

  private static Map<Long, String> restore(String backend, Path savepoint) {
    try (TestJob job = new TestJob(backend(backend), KeyGroupRange.all(128));
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(savepoint.resolveSibling(savepoint.getFileName() + "-job")).build()) {
      coordinator.register(job.backend, job.operatorState);
      coordinator.restore(savepoint);
      job.open();
      assertThat(job.offset()).isEqualTo(RECORDS);
      return job.dump();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void roundTrip_readWriteRestore_isExact(String backend) {
    Map<Long, String> saved = savepoint(backend, dir.resolve("sp"));
    SavepointReader reader = SavepointReader.open(dir.resolve("sp"));
    long written = SavepointWriter.from(reader, Serializers.LONG).write(dir.resolve("copy"));

    assertThat(written).isEqualTo(reader.states().stream().mapToLong(StateInfo::entries).sum());
    assertThat(restore(backend, dir.resolve("copy"))).isEqualTo(saved).isEqualTo(TestJob.expected(RECORDS, KEYS));
    // and into the other backend
    assertThat(restore(backend.equals("heap") ? "rocksdb" : "heap", dir.resolve("copy"))).isEqualTo(saved);
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void typedRows_equalWhatTheJobHeld(String backend) {
    Map<Long, String> saved = savepoint(backend, dir.resolve("sp"));
    SavepointReader reader = SavepointReader.open(dir.resolve("sp"));

    assertThat(reader.isSavepoint()).isTrue();
    assertThat(reader.maxParallelism()).isEqualTo(128);
    assertThat(reader.states()).extracting(StateInfo::name, StateInfo::kind).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("count", StateKind.VALUE), org.assertj.core.groups.Tuple.tuple("recent", StateKind.LIST),
        org.assertj.core.groups.Tuple.tuple("attributes", StateKind.MAP), org.assertj.core.groups.Tuple.tuple("sum", StateKind.REDUCING),
        org.assertj.core.groups.Tuple.tuple("max", StateKind.AGGREGATING));
    assertThat(reader.state("count").entries()).isEqualTo(KEYS);
    assertThat(reader.state("count").keySerializer()).isEqualTo(Serializers.LONG.snapshot());
    assertThat(reader.state("count").bytes()).isEqualTo(KEYS * 16L);

    Map<Long, String> rebuilt = new TreeMap<>();
    Map<Long, Long> counts = collect(reader.readValues("count", Serializers.LONG, Serializers.LONG));
    Map<Long, List<String>> recent = collect(reader.readLists("recent", Serializers.LONG, Serializers.STRING));
    Map<Long, Map<String, Long>> attributes = new HashMap<>();
    try (Stream<MapRow<Long, String, Long>> rows = reader.readMap("attributes", Serializers.LONG, Serializers.STRING, Serializers.LONG)) {
      rows.forEach(r -> attributes.computeIfAbsent(r.key(), k -> new TreeMap<>()).put(r.userKey(), r.value()));
    }
    Map<Long, Long> sums = collect(reader.readValues("sum", Serializers.LONG, Serializers.LONG));
    Map<Long, long[]> max = collect(reader.readValues("max", Serializers.LONG, Serializers.kryo(long[].class)));
    for (Long key : counts.keySet()) {
      rebuilt.put(key, counts.get(key) + "|" + recent.getOrDefault(key, List.of()) + "|" + attributes.getOrDefault(key, Map.of())
          + "|" + sums.get(key) + "|" + max.get(key)[0]);
    }
    assertThat(rebuilt).isEqualTo(saved);
    assertThat(reader.readOperatorState("offset", Serializers.LONG)).containsExactly((long) RECORDS);
    assertThat(reader.operatorStates()).extracting(OperatorStateInfo::name, OperatorStateInfo::elements)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("offset", 1L));
  }

  private static <K, V> Map<K, V> collect(Stream<KeyedRow<K, V>> rows) {
    try (rows) {
      return rows.collect(Collectors.toMap(KeyedRow::key, KeyedRow::value));
    }
  }

  @Test
  void genericRows_decodeFromTheSnapshots_kryoStaysBytes() {
    savepoint("heap", dir.resolve("sp"));
    SavepointReader reader = SavepointReader.open(dir.resolve("sp"));
    List<StateRow> attributes;
    try (Stream<StateRow> rows = reader.rows("attributes")) {
      attributes = rows.toList();
    }
    assertThat(attributes).isNotEmpty().allSatisfy(row -> {
      assertThat(row.key()).isInstanceOf(Long.class);
      assertThat(row.userKey()).isInstanceOf(String.class);
      assertThat(row.value()).satisfiesAnyOf(v -> assertThat(v).isNull(), v -> assertThat(v).isInstanceOf(Long.class));
    });
    try (Stream<StateRow> rows = reader.rows("recent")) {
      assertThat(rows.findFirst().orElseThrow().value()).asList().isNotEmpty().allMatch(e -> e instanceof String);
    }
    try (Stream<StateRow> rows = reader.rows("max")) {
      assertThat(rows.findFirst().orElseThrow().value()).isInstanceOf(StateRow.Undecoded.class);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void transformFilterDropRename_restoreAsWritten(String backend) {
    Map<Long, String> saved = savepoint(backend, dir.resolve("sp"));
    SavepointReader reader = SavepointReader.open(dir.resolve("sp"));
    SavepointWriter.from(reader, Serializers.LONG)
        .removeState("recent")
        .renameState("sum", "total")
        .withValueState(StateDescriptors.value("count", Serializers.LONG, 0L),
            reader.readValues("count", Serializers.LONG, Serializers.LONG)
                .filter(row -> row.key() % 2 == 0)
                .map(row -> new KeyedRow<>(row.key(), row.value() * 10)))
        .write(dir.resolve("changed"));

    try (KeyedStateBackend<Long> restored = backend(backend).apply(KeyGroupRange.all(128));
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job2")).build()) {
      coordinator.register(restored, new OperatorStateStore());
      coordinator.restore(dir.resolve("changed"));
      ValueState<Long> count = restored.getState(StateDescriptors.value("count", Serializers.LONG, 0L));
      ReducingState<Long> total = restored.getState(StateDescriptors.reducing("total", Long::sum, Serializers.LONG));
      ReducingState<Long> sum = restored.getState(StateDescriptors.reducing("sum", Long::sum, Serializers.LONG));
      ListState<String> recent = restored.getState(StateDescriptors.list("recent", Serializers.STRING));
      for (Map.Entry<Long, String> e : saved.entrySet()) {
        String[] parts = e.getValue().split("\\|");
        restored.setCurrentKey(e.getKey());
        assertThat(count.value()).isEqualTo(e.getKey() % 2 == 0 ? Long.parseLong(parts[0]) * 10 : 0L);
        assertThat(String.valueOf(total.get())).isEqualTo(parts[3]);
        assertThat(sum.get()).isNull();
        assertThat(recent.get()).isEmpty();
      }
    }
    assertThat(SavepointReader.open(dir.resolve("changed")).stateNames()).containsExactly("count", "attributes", "total", "max");
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void maxParallelismChange_restoresIntoParticipantsOfTheNewMaxParallelism(String backend) {
    Map<Long, String> saved = savepoint(backend, dir.resolve("sp"));
    SavepointReader reader = SavepointReader.open(dir.resolve("sp"));
    SavepointWriter.from(reader, Serializers.LONG).maxParallelism(256).parallelism(3).write(dir.resolve("rescaled"));
    SavepointReader rescaled = SavepointReader.open(dir.resolve("rescaled"));
    assertThat(rescaled.maxParallelism()).isEqualTo(256);
    assertThat(rescaled.participants()).hasSize(3);

    List<TestJob> jobs = new ArrayList<>();
    Function<KeyGroupRange, KeyedStateBackend<Long>> factory = range -> backend.equals("heap")
        ? HeapStateBackend.builder(Serializers.LONG).maxParallelism(256).keyGroupRange(range).build()
        : RocksDbStateBackend.builder(Serializers.LONG).maxParallelism(256).keyGroupRange(range).build();
    try (CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job2")).build()) {
      for (int i = 0; i < 2; i++) {
        TestJob job = new TestJob(factory, KeyGroupRange.forInstance(256, 2, i));
        jobs.add(job);
        coordinator.register(job.backend, job.operatorState);
      }
      coordinator.restore(dir.resolve("rescaled"));
      jobs.forEach(TestJob::open);
      assertThat(TestJob.merge(jobs)).isEqualTo(saved);
      assertThat(jobs.get(0).offset() + jobs.get(1).offset()).as("the split offset list: one element").isEqualTo(RECORDS);
    } finally {
      jobs.forEach(TestJob::close);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void bootstrap_fromStreams_restoresIntoAJob(String backend) {
    int keys = 200;
    SavepointWriter.create(Serializers.LONG, 128)
        .withValueState(StateDescriptors.value("count", Serializers.LONG, 0L),
            LongStream.range(0, keys).mapToObj(k -> new KeyedRow<>(k, k * 2)))
        .withListState(StateDescriptors.list("recent", Serializers.STRING),
            LongStream.range(0, keys).mapToObj(k -> new KeyedRow<>(k, List.of("a" + k, "b" + k))))
        .withMapState(StateDescriptors.map("attributes", Serializers.STRING, Serializers.LONG),
            LongStream.range(0, keys).boxed().flatMap(k -> Stream.of(new MapRow<>(k, "x", k), new MapRow<Long, String, Long>(k, "y", null))))
        .withReducingState(StateDescriptors.reducing("sum", Long::sum, Serializers.LONG),
            LongStream.range(0, keys).filter(k -> k % 3 == 0).mapToObj(k -> new KeyedRow<>(k, -k)))
        .withAggregatingState(StateDescriptors.aggregating("max", TestJob.MAX, Serializers.kryo(long[].class)),
            LongStream.range(0, keys).mapToObj(k -> new KeyedRow<>(k, new long[] {k + 1000})))
        .withOperatorListState("offset", Serializers.LONG, List.of(42L))
        .write(dir.resolve("boot"));

    try (TestJob job = new TestJob(backend(backend), KeyGroupRange.all(128));
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job")).build()) {
      coordinator.register(job.backend, job.operatorState);
      assertThat(coordinator.restore(dir.resolve("boot"))).isEqualTo(1);
      job.open();
      assertThat(job.offset()).isEqualTo(42);
      Map<Long, String> expected = new TreeMap<>();
      for (long k = 0; k < keys; k++) {
        expected.put(k, (k * 2) + "|[a" + k + ", b" + k + "]|{x=" + k + ", y=null}|" + (k % 3 == 0 ? -k : null) + "|" + (k + 1000));
      }
      assertThat(job.dump()).isEqualTo(expected);
    }
  }

  @Test
  void rowsGivingAKeyTwice_areRefusedNamingStateAndKey() {
    SavepointWriter<Long> writer = SavepointWriter.create(Serializers.LONG, 128)
        .withValueState(StateDescriptors.value("count", Serializers.LONG, 0L),
            Stream.of(new KeyedRow<>(1L, 1L), new KeyedRow<>(1L, 2L)));
    assertThatThrownBy(() -> writer.write(dir.resolve("dup")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'count'").hasMessageContaining("key 1");
    assertThat(dir.resolve("dup/_metadata")).doesNotExist();
  }

  @Test
  void misuse_isRefusedWithClearErrors() throws Exception {
    savepoint("heap", dir.resolve("sp"));
    SavepointReader reader = SavepointReader.open(dir.resolve("sp"));
    assertThatThrownBy(() -> SavepointWriter.from(reader, Serializers.STRING))
        .isInstanceOf(IncompatibleSchemaException.class).hasMessageContaining("key serializer");
    assertThatThrownBy(() -> reader.readValues("recent", Serializers.LONG, Serializers.STRING))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LIST").hasMessageContaining("readLists");
    assertThatThrownBy(() -> reader.readValues("count", Serializers.LONG, Serializers.STRING))
        .isInstanceOf(IncompatibleSchemaException.class).hasMessageContaining("'count'");
    assertThatThrownBy(() -> reader.state("nope")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nope'").hasMessageContaining("count");
    assertThatThrownBy(() -> SavepointWriter.from(reader, Serializers.LONG).renameState("count", "sum"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exists");
    assertThatThrownBy(() -> SavepointWriter.from(reader, Serializers.LONG).write(dir.resolve("sp")))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("read from");
    Files.createDirectories(dir.resolve("full"));
    Files.write(dir.resolve("full/x"), new byte[] {1});
    assertThatThrownBy(() -> SavepointWriter.from(reader, Serializers.LONG).write(dir.resolve("full")))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("not empty");
    // a key serializer rebuilt from the snapshot (Long) is enough to rescale
    SavepointWriter.from(reader).maxParallelism(64).write(dir.resolve("rebuilt"));
    assertThat(restoreWithMaxParallelism64()).isEqualTo(TestJob.expected(RECORDS, KEYS));
  }

  private Map<Long, String> restoreWithMaxParallelism64() {
    try (TestJob job = new TestJob(range -> HeapStateBackend.builder(Serializers.LONG).maxParallelism(64).keyGroupRange(range).build(),
            KeyGroupRange.all(64));
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job64")).build()) {
      coordinator.register(job.backend, job.operatorState);
      coordinator.restore(dir.resolve("rebuilt"));
      job.open();
      return job.dump();
    }
  }

  @Test
  void hostileInput_givesClearErrors() throws Exception {
    savepoint("heap", dir.resolve("sp"));
    assertThatThrownBy(() -> SavepointReader.open(dir.resolve("missing")))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("does not exist");
    Files.write(dir.resolve("file"), new byte[] {1});
    assertThatThrownBy(() -> SavepointReader.open(dir.resolve("file")))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("not a directory");
    Files.createDirectories(dir.resolve("jobdir/chk-3"));
    assertThatThrownBy(() -> SavepointReader.open(dir.resolve("jobdir")))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("job directory");
    assertThatThrownBy(() -> SavepointReader.open(dir.resolve("jobdir/chk-3")))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("never completed");

    // _metadata a symbolic link to a real one
    Files.createDirectories(dir.resolve("linked"));
    Files.createSymbolicLink(dir.resolve("linked/_metadata"), dir.resolve("sp/_metadata"));
    assertThatThrownBy(() -> SavepointReader.open(dir.resolve("linked")))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("symbolic link");

    // a data file replaced by a link is never followed
    Path copy = dir.resolve("sp-link");
    copyDirectory(dir.resolve("sp"), copy);
    Path keyed = copy.resolve("task-0.keyed-state");
    Files.move(keyed, dir.resolve("outside"));
    Files.createSymbolicLink(keyed, dir.resolve("outside"));
    SavepointReader linked = SavepointReader.open(copy);
    assertThatThrownBy(linked::verify).isInstanceOf(CheckpointException.class).hasMessageContaining("task-0.keyed-state");

    // truncated metadata
    Path truncated = dir.resolve("sp-truncated");
    copyDirectory(dir.resolve("sp"), truncated);
    try (RandomAccessFile f = new RandomAccessFile(truncated.resolve("_metadata").toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    assertThatThrownBy(() -> SavepointReader.open(truncated))
        .isInstanceOf(CheckpointCorruptedException.class)
        .satisfies(e -> assertThat(((CheckpointCorruptedException) e).file()).endsWith("_metadata"));

    // one flipped byte in the keyed state: verify and reads name the file
    Path flipped = dir.resolve("sp-flipped");
    copyDirectory(dir.resolve("sp"), flipped);
    try (RandomAccessFile f = new RandomAccessFile(flipped.resolve("task-0.keyed-state").toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0x40);
    }
    SavepointReader damaged = SavepointReader.open(flipped);
    assertThatThrownBy(damaged::verify).isInstanceOf(CheckpointCorruptedException.class)
        .satisfies(e -> assertThat(((CheckpointCorruptedException) e).file()).endsWith("task-0.keyed-state"));
    assertThatThrownBy(() -> {
      try (Stream<KeyedRow<Long, Long>> rows = damaged.readValues("count", Serializers.LONG, Serializers.LONG)) {
        rows.forEach(r -> {});
      }
    }).isInstanceOf(CheckpointCorruptedException.class).hasMessageContaining("task-0.keyed-state");
  }

  @Test
  void incrementalCheckpoint_isListedAndVerified_butReadingItAsksForASavepoint() {
    Path job = dir.resolve("incremental");
    try (TestJob testJob = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job).incrementalCheckpoints().build()) {
      CheckpointParticipant task = coordinator.register(testJob.backend, testJob.operatorState);
      testJob.processRange(0, 500, KEYS);
      checkpoint(coordinator, List.of(task));
    }
    SavepointReader reader = SavepointReader.open(job.resolve("chk-1"));
    assertThat(reader.isCanonical()).isFalse();
    assertThat(reader.participants().get(0).format()).isEqualTo("heap-incremental-v1");
    assertThat(reader.states()).extracting(StateInfo::entries).containsOnly(-1L);
    assertThat(reader.verify()).isNotEmpty();
    assertThatThrownBy(() -> reader.readValues("count", Serializers.LONG, Serializers.LONG))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("heap-incremental-v1").hasMessageContaining("savepoint");
    assertThatThrownBy(() -> SavepointWriter.from(reader, Serializers.LONG))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("savepoint");
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void incrementalCheckpoint_readThroughBackendsOfItsKind_roundTripsExactly(String backend) {
    Path job = dir.resolve("incremental-" + backend);
    Map<Long, String> saved;
    try (TestJob testJob = new TestJob(backend(backend), KeyGroupRange.all(128)).open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job).incrementalCheckpoints().build()) {
      CheckpointParticipant task = coordinator.register(testJob.backend, testJob.operatorState);
      testJob.processRange(0, RECORDS, KEYS);
      checkpoint(coordinator, List.of(task));
      testJob.processRange(RECORDS, RECORDS + 10, KEYS); // few keys change: deltas on the base
      checkpoint(coordinator, List.of(task));
      testJob.processRange(RECORDS + 10, RECORDS + 20, KEYS);
      checkpoint(coordinator, List.of(task));
      saved = testJob.dump();
    }
    Function<KeyGroupRange, KeyedStateBackend<Long>> factory = backend(backend);
    try (SavepointReader reader = SavepointReader.open(job.resolve("chk-3"), (format, maxParallelism, range) -> {
      assertThat(format).isEqualTo(backend.equals("heap") ? "heap-incremental-v1" : "rocksdb-native-v1");
      return factory.apply(range);
    })) {
      assertThat(reader.isCanonical()).isFalse();
      assertThat(reader.isReadable()).isTrue();
      assertThat(reader.participants().get(0).files()).as("a chain of files").isGreaterThan(1);
      assertThat(reader.state("count").entries()).isEqualTo(KEYS);
      assertThat(reader.state("count").keySerializer()).isEqualTo(Serializers.LONG.snapshot());
      Map<Long, Long> counts = collect(reader.readValues("count", Serializers.LONG, Serializers.LONG));
      assertThat(counts).hasSize(KEYS).containsEntry(3L, Long.parseLong(saved.get(3L).split("\\|")[0]));
      SavepointWriter.from(reader, Serializers.LONG).write(dir.resolve("from-incremental"));
    }
    try (TestJob restored = new TestJob(backend(backend.equals("heap") ? "rocksdb" : "heap"), KeyGroupRange.all(128));
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(dir.resolve("job2")).build()) {
      coordinator.register(restored.backend, restored.operatorState);
      coordinator.restore(dir.resolve("from-incremental"));
      restored.open();
      assertThat(restored.dump()).isEqualTo(saved);
      assertThat(restored.offset()).isEqualTo(RECORDS + 20);
    }
  }

  @Test
  void fullCheckpoint_ofAJobDirectory_isReadLikeASavepoint() {
    Path job = dir.resolve("full");
    Map<Long, String> saved;
    try (TestJob testJob = new TestJob().open();
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(job).build()) {
      CheckpointParticipant task = coordinator.register(testJob.backend, testJob.operatorState);
      testJob.processRange(0, RECORDS, KEYS);
      checkpoint(coordinator, List.of(task));
      saved = testJob.dump();
    }
    SavepointReader reader = SavepointReader.open(job.resolve("chk-1"));
    assertThat(reader.isSavepoint()).isFalse();
    SavepointWriter.from(reader, Serializers.LONG).write(dir.resolve("from-checkpoint"));
    assertThat(restore("heap", dir.resolve("from-checkpoint"))).isEqualTo(saved);
  }

  private static void copyDirectory(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
