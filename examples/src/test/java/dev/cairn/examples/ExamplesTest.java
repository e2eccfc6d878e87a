package dev.cairn.examples;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/** Runs every example through the jar's entry point, as the README does. */
class ExamplesTest {

  @Test
  void main_runningCount_runs() {
    assertThatCode(() -> Examples.main(new String[] {"running-count", "100", "1"})).doesNotThrowAnyException();
  }

  @Test
  void main_bootstrap_runsWithNoArguments() {
    assertThatCode(() -> Examples.main(new String[] {"bootstrap"})).doesNotThrowAnyException();
  }
}
