package dev.cairn.examples.statemigration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StateMigrationTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void run_convertsFahrenheitTenthsToCelsiusOnce(String backend) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    int code = StateMigration.run(dir, backend, 50, new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out).isZero();
    assertThat(out)
        .contains("sensor-37 = 986;")
        .contains("migrated to Celsius, sensor-37 = 37.0 C")
        .contains("own checkpoint: sensor-37 = 37.0 C")
        .contains("every sensor converted exactly once: OK");
  }

  @Test
  void main_withoutArguments_runsTheDemoAndExitsZero() throws Exception {
    assertThat(StateMigration.main(new String[0])).isZero();
  }
}
