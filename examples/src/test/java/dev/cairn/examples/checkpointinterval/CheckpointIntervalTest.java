package dev.cairn.examples.checkpointinterval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.examples.DemoOutput;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checkpoints at the given interval print their statistics; the latest one restores state and position together. */
class CheckpointIntervalTest {

  private static final Pattern COMPLETED = Pattern.compile(
      "checkpoint (\\d+) completed in ([\\d.]+) ms \\(synchronous ([\\d.]+) ms, asynchronous ([\\d.]+) ms,"
          + " safe-point delay ([\\d.]+) ms\\), ([\\d,]+) bytes");
  private static final Pattern RESTORED =
      Pattern.compile("restored the latest checkpoint, (\\d+): stream position ([\\d,]+), [\\d,]+ users, counts add up to ([\\d,]+)");

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void checkpointsEveryInterval_statsPrinted_latestRestored(String backend) throws Exception {
    DemoOutput output = new DemoOutput();
    int code = CheckpointInterval.run(
        new String[] {"--interval-ms", "50", "--events", "100000", "--backend", backend}, output.out());
    String text = output.toString();

    assertThat(code).as(text).isZero();
    Matcher completed = COMPLETED.matcher(text);
    long lastId = 0;
    int count = 0;
    while (completed.find()) {
      long id = Long.parseLong(completed.group(1));
      assertThat(id).as("ids increase").isGreaterThan(lastId);
      assertThat(Long.parseLong(completed.group(6).replace(",", ""))).as("bytes").isPositive();
      assertThat(Double.parseDouble(completed.group(2))).as("total covers the synchronous part")
          .isGreaterThanOrEqualTo(Double.parseDouble(completed.group(3)));
      lastId = id;
      count++;
    }
    assertThat(count).as("checkpoints in about a second at a 50 ms interval:%n%s", text).isGreaterThanOrEqualTo(2);
    Matcher restored = RESTORED.matcher(text);
    assertThat(restored.find()).as(text).isTrue();
    assertThat(Long.parseLong(restored.group(1))).as("the latest completed checkpoint").isEqualTo(lastId);
    long position = Long.parseLong(restored.group(2).replace(",", ""));
    assertThat(position).isPositive();
    assertThat(Long.parseLong(restored.group(3).replace(",", ""))).isEqualTo(position);
    assertThat(text).contains("equal the first run's");
  }

  @Test
  void zeroInterval_exitCode2() throws Exception {
    DemoOutput output = new DemoOutput();
    assertThat(CheckpointInterval.run(new String[] {"--interval-ms", "0"}, output.out())).isEqualTo(2);
    assertThat(output.toString()).contains("--interval-ms must be a positive number, got 0");
  }
}
