package dev.cairn.examples.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.processor.KeyedRow;
import dev.cairn.checkpoint.processor.SavepointReader;
import dev.cairn.state.serde.Serializers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BootstrapTest {

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) throws Exception {
    return Bootstrap.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void noInput_writesItsOwnCsv_bootstrapsAndRestores(String backend) throws Exception {
    assertThat(run("--backend", backend)).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("wrote a CSV of 1000 users")
        .contains("visits (value): 1000 entries")
        .contains("spent (reducing): 1000 entries")
        .contains("per-country (map): 1000 entries")
        .contains("restored savepoint 1 into a " + backend + " job at input offset 0")
        .contains("processed 5000 new visits")
        .contains("all 1000 users equal the CSV's totals plus their new visits");
  }

  @Test
  void givenCsvAndSavepointDirectory_theSavepointHoldsTheCsv() throws Exception {
    Path csv = dir.resolve("users.csv");
    Files.writeString(csv, "user,visits,spent,country\nann,3,120,de\nbob,1,7,fr\n\ncy,0,0,se\n");
    assertThat(run("--input", csv.toString(), "--savepoint", dir.resolve("sp").toString())).as(err.toString()).isZero();

    SavepointReader savepoint = SavepointReader.open(dir.resolve("sp"));
    assertThat(savepoint.isSavepoint()).isTrue();
    try (Stream<KeyedRow<String, Long>> rows = savepoint.readValues("visits", Serializers.STRING, Serializers.LONG)) {
      assertThat(rows.collect(Collectors.toMap(KeyedRow::key, KeyedRow::value))).isEqualTo(Map.of("ann", 3L, "bob", 1L, "cy", 0L));
    }
    try (Stream<KeyedRow<String, Long>> rows = savepoint.readValues("spent", Serializers.STRING, Serializers.LONG)) {
      assertThat(rows.collect(Collectors.toMap(KeyedRow::key, KeyedRow::value))).isEqualTo(Map.of("ann", 120L, "bob", 7L, "cy", 0L));
    }
    assertThat(savepoint.readOperatorState("offset", Serializers.LONG)).isEqualTo(List.of(0L));
  }

  @Test
  void badCsvOrArguments_areUsageErrors() throws Exception {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "user,visits,spent,country\nann,3,120,de\nbob,x,7,fr\n");
    assertThat(run("--input", csv.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("bad.csv:3").contains("bob,x,7,fr");
    Files.writeString(csv, "user,visits,spent,country\nann,3,120,de\nann,1,1,de\n");
    assertThat(run("--input", csv.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("ann appears twice");
    assertThat(run("--backend", "disk")).isEqualTo(2);
    assertThat(run("--frobnicate", "1")).isEqualTo(2);
  }
}
