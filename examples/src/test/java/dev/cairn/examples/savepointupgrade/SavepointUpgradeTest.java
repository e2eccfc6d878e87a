package dev.cairn.examples.savepointupgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SavepointUpgradeTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void run_version2FromVersion1sSavepoint_readsEveryUserWithTheDefaultEmail(String backend) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    int code = SavepointUpgrade.run(dir, backend, 300, new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out).isZero();
    assertThat(out)
        .contains("version 1 (" + backend + " backend): 300 users")
        .contains("user-0 is UserState[name=User 0, age=20, email=unknown@example.com] (record)")
        .contains("\"email\": \"unknown@example.com\"")
        .contains("every user migrated: OK");
  }

  @org.junit.jupiter.api.Test
  void main_withoutArguments_runsTheDemoAndExitsZero() throws Exception {
    assertThat(SavepointUpgrade.main(new String[0])).isZero();
  }
}
