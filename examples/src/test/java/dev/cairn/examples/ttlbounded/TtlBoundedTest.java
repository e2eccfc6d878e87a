package dev.cairn.examples.ttlbounded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.examples.DemoOutput;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Without TTL, state holds every user ever seen; with TTL, about the users of one TTL. */
class TtlBoundedTest {

  private static final Pattern ROW = Pattern.compile("(?m)^ +([\\d,]+) +[\\d.]+ s +([\\d,]+) +([\\d,]+)$");

  private static long number(String digits) {
    return Long.parseLong(digits.replace(",", ""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void withTtl_stateLevelsOff_withoutTtl_itGrowsWithTheStream(String backend) {
    DemoOutput output = new DemoOutput();
    int code = TtlBounded.run(new String[] {"--backend", backend, "--events", "50000"}, output.out());
    String text = output.toString();
    assertThat(code).as(text).isZero();

    Matcher row = ROW.matcher(text);
    Set<String> seen = new HashSet<>();
    long streamed = 0;
    int rows = 0;
    while (row.find()) {
      long events = number(row.group(1));
      for (; streamed < events; streamed++) {
        seen.add(TtlBounded.user(streamed));
      }
      assertThat(number(row.group(2))).as("without TTL: every user seen, at %d events", events).isEqualTo(seen.size());
      // users within one TTL (1 s = 1,000 events): 50 regulars + 50 visitors; expired ones wait
      // for the cleanup's round of 2 keys per write, well below the 2,500 visitors of the stream
      assertThat(number(row.group(3))).as("with TTL, at %d events", events).isBetween(90L, 300L);
      rows++;
    }
    assertThat(rows).as(text).isEqualTo(10);
    assertThat(text).contains("regular-0: 200 visits without TTL, 200 with TTL")
        .contains("visitor-0: 16 visits without TTL, none with TTL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--ttl-ms", "--events"})
  void nonPositiveNumbers_exitCode2(String option) {
    DemoOutput output = new DemoOutput();
    assertThat(TtlBounded.run(new String[] {option, "-5"}, output.out())).isEqualTo(2);
    assertThat(output.toString()).contains(option + " must be a positive number, got -5");
    assertThat(List.of(output.toString().split("\n"))).anyMatch(l -> l.startsWith("usage: ttl-bounded"));
  }
}
