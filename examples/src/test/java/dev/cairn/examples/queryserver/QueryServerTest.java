package dev.cairn.examples.queryserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs the example with no arguments: it serves on a free port and queries itself while processing. */
class QueryServerTest {

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void demo_answersQueriesDuringProcessing_everyAnswerConsistent(String backend) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = QueryServer.run(backend.equals("heap") ? new String[0] : new String[] {"--backend", backend},
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String output = bytes.toString(StandardCharsets.UTF_8);

    assertThat(code).as(output).isZero();
    assertThat(output).contains("serving on http://localhost:").contains("every answer consistent")
        .contains("GET /users?from=100&to=105 -> {\"users\":[").contains("(after processing)")
        .doesNotContain("INCONSISTENT");
    Matcher during = Pattern.compile("(\\d+) queries answered during processing").matcher(output);
    assertThat(during.find()).as(output).isTrue();
    assertThat(Long.parseLong(during.group(1))).isGreaterThanOrEqualTo(QueryServer.DEMO_QUERIES);
  }

  @org.junit.jupiter.api.Test
  void isConsistent_comparesTheCountWithTheCountsPerAction() {
    assertThat(QueryServer.isConsistent("{\"user\":1,\"count\":5,\"sum\":9,\"perAction\":{\"click\":2,\"view\":3}}"))
        .isTrue();
    assertThat(QueryServer.isConsistent("{\"user\":1,\"count\":5,\"sum\":9,\"perAction\":{\"click\":2,\"view\":2}}"))
        .isFalse();
  }
}
