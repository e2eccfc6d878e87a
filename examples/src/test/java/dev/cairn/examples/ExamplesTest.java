package dev.cairn.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs every example through the jar's entry point, as the README does. */
class ExamplesTest {

  /** The repository root: the parent of this module's directory (Maven runs tests in the module). */
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void main_runningCount_runs() {
    assertThatCode(() -> Examples.main(new String[] {"running-count", "100", "1"})).doesNotThrowAnyException();
  }

  @Test
  void main_courseExample_runsThroughTheEntryPoint() {
    assertThatCode(() -> Examples.main(new String[] {"state-types", "--backend", "heap"})).doesNotThrowAnyException();
  }

  @Test
  void readme_examplesTable_hasOneRowWithItsCommandPerRegisteredExample() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    int start = readme.indexOf("\n## Examples\n");
    assertThat(start).as("an Examples section in the root README").isPositive();
    String section = readme.substring(start + 1, readme.indexOf("\n## ", start + 1));
    Matcher row = Pattern.compile("(?m)^\\| `([a-z-]+)` \\|.*\\| `java -jar examples/target/cairn-examples.jar (\\S+)[^`]*` \\|$")
        .matcher(section);
    List<String> listed = new java.util.ArrayList<>();
    while (row.find()) {
      assertThat(row.group(2)).as("the command of %s", row.group(1)).isEqualTo(row.group(1));
      listed.add(row.group(1));
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(Examples.names());
  }

  @Test
  void main_bootstrap_runsWithNoArguments() {
    assertThatCode(() -> Examples.main(new String[] {"bootstrap"})).doesNotThrowAnyException();
  }
}
