package dev.cairn.examples.exactlyonce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --generate N}: the README's command runs without preparing an input by hand. */
class ExactlyOnceGenerateTest {

  @TempDir Path dir;

  private int run(String... extra) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of(
        "--input", dir.resolve("events.csv").toString(),
        "--output", dir.resolve("totals.csv").toString(),
        "--checkpoint-dir", dir.resolve("state").toString(),
        "--backend", "heap"));
    args.addAll(List.of(extra));
    return ExactlyOnce.main(args.toArray(String[]::new));
  }

  @Test
  void generate_writesTheInputOnce_andTheOutputMatchesIt() throws Exception {
    assertThat(run("--generate", "5000")).isZero();
    List<String> input = Files.readAllLines(dir.resolve("events.csv"));
    assertThat(input).hasSize(5000).allMatch(line -> line.matches("user-\\d+,(view|click|purchase),\\d+"));
    assertThat(Files.readAllLines(dir.resolve("totals.csv"))).isEqualTo(ExactlyOnceCrashTest.oracle(input));

    // a restart finds the input and leaves it as it is, whatever N says
    assertThat(run("--generate", "10")).isZero();
    assertThat(Files.readAllLines(dir.resolve("events.csv"))).isEqualTo(input);
    assertThat(dir.resolve("events.csv.generating")).doesNotExist();
  }

  @Test
  void generate_intoMissingDirectories_createsThem() throws Exception {
    EventGenerator.write(dir.resolve("a/b/events.csv"), 10, 2, 7);
    assertThat(Files.readAllLines(dir.resolve("a/b/events.csv"))).hasSize(10);
  }

  @Test
  void generate_sameArguments_sameLines() throws Exception {
    EventGenerator.write(dir.resolve("a.csv"), 1000, 100, 7);
    EventGenerator.write(dir.resolve("b.csv"), 1000, 100, 7);
    assertThat(Files.readAllLines(dir.resolve("a.csv"))).isEqualTo(Files.readAllLines(dir.resolve("b.csv")));
  }

  @Test
  void generate_notPositive_isAUsageError() throws Exception {
    assertThat(run("--generate", "0")).isEqualTo(2);
    assertThat(run("--generate", "many")).isEqualTo(2);
    assertThat(dir.resolve("events.csv")).doesNotExist();
  }
}
