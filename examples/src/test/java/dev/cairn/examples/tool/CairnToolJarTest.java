package dev.cairn.examples.tool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.processor.KeyedRow;
import dev.cairn.checkpoint.processor.SavepointWriter;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.serde.Serializers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the built {@code cairn-tool.jar} as a process: {@code mvn package} runs this class after the
 * jar is built (the {@code cairn-tool-jar} execution in the examples pom); in the test phase, before
 * the jar exists, it is skipped.
 */
class CairnToolJarTest {

  @TempDir Path dir;

  private record Result(int exitCode, String out, String err) {}

  private static Result run(String... args) throws Exception {
    String jar = System.getProperty("cairn.tool.jar");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void theJar_runsEveryCommandWithItsExitCode() throws Exception {
    String jar = System.getProperty("cairn.tool.jar");
    Assumptions.assumeTrue(jar != null, "runs in the package phase, after cairn-tool.jar is built");
    assertThat(Path.of(jar)).exists();

    SavepointWriter.create(Serializers.STRING, 128)
        .withValueState(StateDescriptors.value("count", Serializers.LONG, 0L),
            Stream.of(new KeyedRow<>("ann", 3L), new KeyedRow<>("bob", 5L)))
        .write(dir.resolve("sp"));

    Result help = run("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("usage: java -jar cairn-tool.jar");
    Result inspect = run("inspect", dir.resolve("sp").toString());
    assertThat(inspect.exitCode()).as(inspect.err()).isZero();
    assertThat(inspect.out()).contains("savepoint 1").contains("count: value, key cairn.string, value cairn.long, 2 entries");
    Result verify = run("verify", dir.resolve("sp").toString());
    assertThat(verify.exitCode()).as(verify.err()).isZero();
    Result dump = run("dump", dir.resolve("sp").toString(), "--state", "count");
    assertThat(dump.out().lines().sorted()).containsExactly("{\"key\":\"ann\",\"value\":3}", "{\"key\":\"bob\",\"value\":5}");
    Result missing = run("inspect", dir.resolve("missing").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("does not exist");
    Files.write(dir.resolve("sp/_metadata"), new byte[] {1, 2, 3});
    Result damaged = run("verify", dir.resolve("sp").toString());
    assertThat(damaged.exitCode()).isEqualTo(1);
    assertThat(damaged.err()).contains("DAMAGED").contains("_metadata");
    Result dispose = run("dispose", dir.resolve("sp").toString());
    assertThat(dispose.exitCode()).isEqualTo(1);
  }
}
