package dev.cairn.examples.failurerecovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.examples.DemoOutput;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job is killed with SIGKILL in a child JVM after a checkpoint, mid-stream, restarted, restored
 * and replayed; its output equals the uninterrupted run's.
 */
class FailureRecoveryTest {

  private static final Pattern RESTORED = Pattern.compile(
      "restored checkpoint (\\d+): stream position ([\\d,]+), counts adding up to ([\\d,]+); replaying from there");

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void killedRestoredReplayed_outputEqualsUninterruptedRun(String backend) throws Exception {
    DemoOutput output = new DemoOutput();
    int code = FailureRecovery.run(new String[] {"--backend", backend}, output.out());
    String text = output.toString();

    assertThat(code).as(text).isZero();
    assertThat(text).contains("no checkpoint: starting at stream position 0")
        .contains("3. SIGKILL: the child died mid-stream (exit code 137); output written: false")
        .contains("/_metadata")
        .contains("done: 100,000 events, totals of 1,000 users in totals.csv")
        .contains("every count and sum equal to the uninterrupted run's");
    Matcher restored = RESTORED.matcher(text);
    assertThat(restored.find()).as(text).isTrue();
    assertThat(Long.parseLong(restored.group(1))).isPositive();
    long position = Long.parseLong(restored.group(2).replace(",", ""));
    assertThat(position).isBetween(1L, 99_999L);
    assertThat(Long.parseLong(restored.group(3).replace(",", ""))).isEqualTo(position);
  }
}
