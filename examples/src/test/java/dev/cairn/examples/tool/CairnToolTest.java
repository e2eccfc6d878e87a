package dev.cairn.examples.tool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.processor.KeyedRow;
import dev.cairn.checkpoint.processor.SavepointReader;
import dev.cairn.checkpoint.processor.SavepointWriter;
import dev.cairn.checkpoint.tool.CairnTool;
import dev.cairn.examples.exactlyonce.ExactlyOnce;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.serde.Serializers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cairn-tool's commands, in process, against checkpoints written by the exactly-once example. */
class CairnToolTest {

  @TempDir static Path shared;
  static Path heapJob;
  static Path rocksJob;
  @TempDir Path dir;
  private ByteArrayOutputStream out;
  private ByteArrayOutputStream err;

  @BeforeAll
  static void runTheExample() throws Exception {
    heapJob = runExample("heap", false);
    rocksJob = runExample("rocksdb", true);
  }

  private static Path runExample(String backend, boolean incremental) throws Exception {
    Path base = shared.resolve(backend);
    List<String> args = new java.util.ArrayList<>(List.of("--generate", "40000",
        "--input", base.resolve("events.csv").toString(), "--output", base.resolve("totals.csv").toString(),
        "--checkpoint-dir", base.resolve("state").toString(), "--backend", backend, "--checkpoint-interval-ms", "5"));
    if (incremental) {
      args.add("--incremental");
    }
    assertThat(ExactlyOnce.main(args.toArray(String[]::new))).isZero();
    return base.resolve("state/checkpoints");
  }

  /** The latest complete checkpoint of a job directory. */
  private static Path latest(Path job) throws Exception {
    try (Stream<Path> children = Files.list(job)) {
      return children.filter(p -> p.getFileName().toString().matches("chk-\\d+") && Files.exists(p.resolve("_metadata")))
          .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(4))))
          .orElseThrow(() -> new AssertionError("the example completed no checkpoint in " + job));
    }
  }

  @BeforeEach
  void streams() {
    out = new ByteArrayOutputStream();
    err = new ByteArrayOutputStream();
  }

  private int tool(String... args) {
    return CairnTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void help_printsEveryCommand() {
    assertThat(tool("--help")).isZero();
    assertThat(out()).contains("inspect DIR", "verify DIR", "dump DIR --state S", "diff A B", "dispose DIR", "gc JOBDIR");
    assertThat(tool("dump", "--help")).isZero();
    assertThat(tool()).isEqualTo(CairnTool.USAGE);
    assertThat(tool("frobnicate")).isEqualTo(CairnTool.USAGE);
    assertThat(err()).contains("unknown command 'frobnicate'");
  }

  @Test
  void inspect_listsStatesWithKindsSerializersAndCounts() throws Exception {
    Path chk = latest(heapJob);
    assertThat(tool("inspect", chk.toString())).as(err()).isZero();
    long users = Files.readAllLines(heapJob.resolveSibling("../totals.csv").normalize()).size();
    assertThat(out())
        .contains("checkpoint " + chk.getFileName().toString().substring(4))
        .contains("format canonical")
        .containsPattern("count: value, key cairn\\.string, value cairn\\.long, \\d+ entries")
        .contains("sum: reducing")
        .contains("per-action: map, key cairn.string, user key cairn.string, value cairn.long")
        .contains("last-five: list")
        .contains("mean: aggregating")
        .contains("line-offset: split list of cairn.long, 1 elements");
    Matcher count = Pattern.compile("count: value, .*, (\\d+) entries").matcher(out());
    assertThat(count.find()).isTrue();
    assertThat(Long.parseLong(count.group(1))).isPositive().isLessThanOrEqualTo(users);
  }

  @Test
  void dump_givesJsonLines_whoseCountsAddUpToTheSavedOffset() throws Exception {
    Path chk = latest(heapJob);
    long offset = SavepointReader.open(chk).readOperatorState("line-offset", Serializers.LONG).get(0);
    assertThat(tool("dump", chk.toString(), "--state", "count")).as(err()).isZero();
    List<String> lines = out().lines().toList();
    Pattern line = Pattern.compile("\\{\"key\":\"(user-\\d+)\",\"value\":(\\d+)\\}");
    long total = 0;
    for (String l : lines) {
      Matcher m = line.matcher(l);
      assertThat(m.matches()).as(l).isTrue();
      total += Long.parseLong(m.group(2));
    }
    assertThat(total).as("every event before the checkpoint's offset counted once").isEqualTo(offset);

    streams();
    assertThat(tool("dump", chk.toString(), "--state", "mean", "--limit", "2")).isZero();
    assertThat(out().lines()).hasSize(2).allMatch(l -> l.matches("\\{\"key\":\"user-\\d+\",\"value\":\\{\"[a-z]+\":.*\\}\\}"));
    streams();
    assertThat(tool("dump", chk.toString(), "--state", "per-action", "--limit", "1")).isZero();
    assertThat(out().trim()).matches("\\{\"key\":\"user-\\d+\",\"userKey\":\"(view|click|purchase)\",\"value\":\\d+\\}");
    streams();
    assertThat(tool("dump", chk.toString(), "--state", "last-five", "--limit", "1")).isZero();
    assertThat(out().trim()).matches("\\{\"key\":\"user-\\d+\",\"value\":\\[\\d+(,\\d+){0,4}\\]\\}");

    streams();
    assertThat(tool("dump", chk.toString())).isEqualTo(CairnTool.USAGE);
    assertThat(err()).contains("missing --state");
    assertThat(tool("dump", chk.toString(), "--state", "nope")).isEqualTo(CairnTool.USAGE);
    assertThat(err()).contains("no keyed state 'nope'");
  }

  @Test
  void verify_everyFileOfACheckpointAndAJob_andNamesADamagedFile() throws Exception {
    Path chk = latest(heapJob);
    assertThat(tool("verify", chk.toString())).as(err()).isZero();
    assertThat(out()).contains("OK checkpoint").contains("files verified");
    assertThat(tool("verify", heapJob.toString())).as(err()).isZero();
    assertThat(tool("verify", rocksJob.toString())).as(err()).isZero();

    Path copy = dir.resolve("job/" + chk.getFileName());
    Files.createDirectories(copy);
    try (Stream<Path> files = Files.list(chk)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    try (RandomAccessFile f = new RandomAccessFile(copy.resolve("task-0.keyed-state").toFile(), "rw")) {
      f.seek(f.length() / 3);
      int b = f.read();
      f.seek(f.length() / 3);
      f.write(b ^ 1);
    }
    streams();
    assertThat(tool("verify", copy.toString())).isEqualTo(CairnTool.FOUND);
    assertThat(err()).contains("DAMAGED").contains(copy.resolve("task-0.keyed-state").toString());
    assertThat(tool("verify", dir.resolve("job").toString())).isEqualTo(CairnTool.FOUND);
    streams();
    assertThat(tool("dump", copy.toString(), "--state", "count")).isEqualTo(CairnTool.FOUND);
    assertThat(err()).contains("task-0.keyed-state");

    try (RandomAccessFile f = new RandomAccessFile(copy.resolve("_metadata").toFile(), "rw")) {
      f.setLength(f.length() - 5);
    }
    streams();
    assertThat(tool("inspect", copy.toString())).isEqualTo(CairnTool.FOUND);
    assertThat(err()).contains("_metadata").contains("DAMAGED");
  }

  @Test
  void incrementalRocksDbCheckpoint_isInspectedAndVerified_butDumpAsksForASavepoint() throws Exception {
    Path chk = latest(rocksJob);
    assertThat(tool("inspect", chk.toString())).as(err()).isZero();
    assertThat(out()).contains("format rocksdb-native-v1").contains("entries not counted");
    assertThat(tool("dump", chk.toString(), "--state", "count")).isEqualTo(CairnTool.USAGE);
    assertThat(err()).contains("rocksdb-native-v1").contains("take a savepoint");
  }

  @Test
  void diff_countsAddedRemovedAndChangedKeys() throws Exception {
    Path chk = latest(heapJob);
    SavepointReader a = SavepointReader.open(chk);
    long users;
    try (Stream<KeyedRow<String, Long>> rows = a.readValues("count", Serializers.STRING, Serializers.LONG)) {
      users = rows.count();
    }
    // B: users whose number ends in 1 removed, those ending in 2 counted twice, two new users
    SavepointWriter.from(a, Serializers.STRING)
        .withValueState(StateDescriptors.value("count", Serializers.LONG, 0L), Stream.concat(
            a.readValues("count", Serializers.STRING, Serializers.LONG)
                .filter(r -> !r.key().endsWith("1"))
                .map(r -> r.key().endsWith("2") ? new KeyedRow<>(r.key(), r.value() * 2) : r),
            Stream.of(new KeyedRow<>("new-1", 1L), new KeyedRow<>("new-2", 2L))))
        .removeState("mean")
        .write(dir.resolve("b"));
    long removed;
    long changed;
    try (Stream<KeyedRow<String, Long>> rows = a.readValues("count", Serializers.STRING, Serializers.LONG)) {
      List<String> keys = rows.map(KeyedRow::key).toList();
      removed = keys.stream().filter(k -> k.endsWith("1")).count();
      changed = keys.stream().filter(k -> k.endsWith("2")).count();
    }
    assertThat(removed + changed).isPositive().isLessThan(users);

    assertThat(tool("diff", chk.toString(), dir.resolve("b").toString(), "--keys")).as(err()).isEqualTo(CairnTool.FOUND);
    assertThat(out())
        .contains("count: 2 added, " + removed + " removed, " + changed + " changed")
        .contains("sum: identical")
        .contains("per-action: identical")
        .contains("mean: state removed")
        .contains("{\"state\":\"count\",\"change\":\"added\",\"key\":\"new-1\"}");
    assertThat(out().lines().filter(l -> l.contains("\"change\":\"removed\""))).hasSize((int) removed);

    streams();
    assertThat(tool("diff", chk.toString(), chk.toString())).isZero();
    assertThat(out()).doesNotContain("added").contains("count: identical");
    streams();
    assertThat(tool("diff", chk.toString(), dir.resolve("b").toString(), "--state", "sum")).isZero();
    assertThat(tool("diff", chk.toString())).isEqualTo(CairnTool.USAGE);
    assertThat(err()).contains("missing B");
  }

  @Test
  void dispose_deletesASavepoint_andRefusesACheckpoint() throws Exception {
    Path chk = latest(heapJob);
    SavepointWriter.from(SavepointReader.open(chk), Serializers.STRING).write(dir.resolve("sp"));
    assertThat(tool("dispose", dir.resolve("sp").toString())).as(err()).isZero();
    assertThat(dir.resolve("sp")).doesNotExist();
    assertThat(tool("dispose", chk.toString())).isEqualTo(CairnTool.USAGE);
    assertThat(err()).contains("is a checkpoint, not a savepoint");
    assertThat(chk.resolve("_metadata")).exists();
  }

  @Test
  void gc_listsThenDeletesUnreferencedFiles_andKeepsTheCheckpoints() throws Exception {
    Path job = dir.resolve("job");
    Path chk = latest(heapJob);
    Files.createDirectories(job.resolve(chk.getFileName()));
    try (Stream<Path> files = Files.list(chk)) {
      for (Path f : files.toList()) {
        Files.copy(f, job.resolve(chk.getFileName()).resolve(f.getFileName()));
      }
    }
    Path unfinished = job.resolve("chk-99999/task-0.keyed-state");
    Files.createDirectories(unfinished.getParent());
    Files.write(unfinished, new byte[] {1, 2, 3});
    Path orphan = job.resolve("shared/c7-0123456789abcdef0123456789abcdef-keyed-state");
    Files.createDirectories(orphan.getParent());
    Files.write(orphan, new byte[] {4});
    Path foreign = job.resolve("shared/notes.txt");
    Files.write(foreign, new byte[] {5});

    assertThat(tool("gc", job.toString())).as(err()).isZero();
    assertThat(out()).contains("would delete " + unfinished).contains("would delete " + orphan)
        .doesNotContain("notes.txt").contains("2 file(s) unreferenced; run with --delete").contains("complete checkpoints: 1");
    assertThat(unfinished).exists();
    assertThat(orphan).exists();

    streams();
    assertThat(tool("gc", job.toString(), "--delete")).as(err()).isZero();
    assertThat(out()).contains("deleted " + orphan).contains("2 file(s) deleted");
    assertThat(unfinished).doesNotExist();
    assertThat(orphan).doesNotExist();
    assertThat(foreign).exists();
    assertThat(tool("verify", job.resolve(chk.getFileName()).toString())).isZero();

    streams();
    assertThat(tool("gc", chk.toString())).isEqualTo(CairnTool.USAGE);
    assertThat(err()).contains("not a job directory");
    assertThat(tool("gc", dir.resolve("nothing").toString())).isEqualTo(CairnTool.USAGE);
    assertThat(err()).contains("does not exist");
  }

  @Test
  void hostileInput_givesClearErrorsAndExitCodes() throws Exception {
    assertThat(tool("inspect", dir.resolve("missing").toString())).isEqualTo(CairnTool.USAGE);
    assertThat(err()).contains("does not exist");
    assertThat(tool("inspect", heapJob.toString())).isEqualTo(CairnTool.USAGE);
    assertThat(err()).contains("job directory").contains("chk-");
    Files.createDirectories(dir.resolve("linked"));
    Files.createSymbolicLink(dir.resolve("linked/_metadata"), latest(heapJob).resolve("_metadata"));
    streams();
    assertThat(tool("inspect", dir.resolve("linked").toString())).isEqualTo(CairnTool.USAGE);
    assertThat(err()).contains("symbolic link");
    Files.write(dir.resolve("a-file"), new byte[0]);
    streams();
    assertThat(tool("inspect", dir.resolve("a-file").toString())).isEqualTo(CairnTool.USAGE);
    assertThat(err()).contains("not a directory");
    streams();
    assertThat(tool("inspect", latest(heapJob).toString(), "--bogus")).isEqualTo(CairnTool.USAGE);
    assertThat(err()).contains("unknown option --bogus");
  }
}
