package dev.cairn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cairn as named modules, the way a modular application uses it: the library modules and their
 * dependencies (only) on the module path, an application module compiled against them and started
 * with {@code java -p ... -m}, without {@code --add-modules}. The unit tests of every module run on the
 * class path (they share packages with the code they test), so this is the test of the module
 * descriptors: requires, exports, uses / provides, and the {@code opens} the README tells users to write
 * for Kryo and record serializers.
 *
 * <p>It takes the library modules from this test's class path: build through the reactor ({@code mvn
 * -pl examples -am verify}), not against stale installed jars.
 */
class ModulePathTest {

  private static final List<String> LIBRARY_MODULES =
      List.of("state-api", "state-heap", "state-rocksdb", "checkpoint", "ttl");
  private static final List<String> DEPENDENCIES =
      List.of("kryo-", "minlog-", "reflectasm-", "objenesis-", "slf4j-api-", "slf4j-simple-", "rocksdbjni-");

  @TempDir Path dir;

  @Test
  void applicationModuleRunsOnTheModulePathWithoutAddModules() throws Exception {
    String modulePath = modulePath();
    Path src = dir.resolve("src/cairn.smoke");
    write(src.resolve("module-info.java"), """
        module cairn.smoke {
          requires dev.cairn.state.heap;
          requires dev.cairn.state.rocksdb;
          requires dev.cairn.checkpoint;
          requires dev.cairn.ttl;
          // Kryo reads and writes fields reflectively; record serializers call the canonical
          // constructor and accessors reflectively
          opens smoke to com.esotericsoftware.kryo, dev.cairn.state;
        }
        """);
    write(src.resolve("smoke/Main.java"), """
        package smoke;

        import dev.cairn.checkpoint.CheckpointCoordinator;
        import dev.cairn.checkpoint.CheckpointParticipant;
        import dev.cairn.checkpoint.OperatorStateStore;
        import dev.cairn.state.KeyedStateBackend;
        import dev.cairn.state.StateDescriptors;
        import dev.cairn.state.TtlConfig;
        import dev.cairn.state.ValueState;
        import dev.cairn.state.ValueStateDescriptor;
        import dev.cairn.state.heap.HeapStateBackend;
        import dev.cairn.state.query.StateView;
        import dev.cairn.state.query.StateViews;
        import dev.cairn.state.rocksdb.RocksDbStateBackend;
        import dev.cairn.state.serde.Serializers;
        import dev.cairn.ttl.TtlStateBackend;
        import java.lang.invoke.MethodHandles;
        import java.nio.file.Path;
        import java.time.Duration;
        import java.time.InstantSource;

        public class Main {
          public record Point(int x, int y) {}

          static final class Tally {
            private long count;
            private String last;
          }

          public static void main(String[] args) throws Exception {
            Path jobDirectory = Path.of(args[0]);
            ValueStateDescriptor<Point> points = StateDescriptors.value("point", Serializers.record(Point.class));
            ValueStateDescriptor<Tally> tallies =
                StateDescriptors.value("tally", Serializers.kryo(Tally.class));
            ValueStateDescriptor<Long> expiring = StateDescriptors.value("expiring", Serializers.LONG)
                .withTtl(TtlConfig.builder(Duration.ofHours(1)).build());
            InstantSource clock = InstantSource.system();

            try (TtlStateBackend<String> heap =
                    TtlStateBackend.wrap(HeapStateBackend.builder(Serializers.STRING).build(), clock);
                CheckpointCoordinator coordinator = CheckpointCoordinator.builder(jobDirectory).build()) {
              CheckpointParticipant task = coordinator.register(heap, new OperatorStateStore());
              heap.setCurrentKey("alice");
              heap.getState(points).update(new Point(3, 4));
              Tally tally = new Tally();
              tally.count = 7;
              tally.last = "click";
              heap.getState(tallies).update(tally);
              heap.getState(expiring).update(42L);
              try (StateViews<String> views = StateViews.of(heap)) {
                views.publish();
                try (StateView<String> view = views.acquire()) {
                  System.out.println("view " + view.value(expiring, "alice"));
                }
              }
              task.checkpointNow().join();
            }

            try (TtlStateBackend<String> rocks =
                    TtlStateBackend.wrap(RocksDbStateBackend.builder(Serializers.STRING).build(), clock);
                CheckpointCoordinator coordinator = CheckpointCoordinator.builder(jobDirectory).build()) {
              coordinator.register(rocks, new OperatorStateStore());
              coordinator.restoreLatest().orElseThrow();
              rocks.setCurrentKey("alice");
              ValueState<Tally> tally = rocks.getState(tallies);
              System.out.println("restored " + rocks.getState(points).value() + " " + tally.value().count + " "
                  + tally.value().last + " " + rocks.getState(expiring).value());
            }

            // what the module does not export is out of reach, even reflectively
            Class<?> internal = Class.forName("dev.cairn.checkpoint.internal.JobStore");
            System.out.println("internal exported: " + internal.getModule().isExported(internal.getPackageName()));
            try {
              MethodHandles.lookup().accessClass(internal);
              System.out.println("internal accessible");
            } catch (IllegalAccessException expected) {
              System.out.println("internal inaccessible");
            }
            System.out.println("cairn modules: " + ModuleLayer.boot().modules().stream()
                .map(Module::getName).filter(n -> n.startsWith("dev.cairn")).sorted().toList());
          }
        }
        """);
    Path classes = dir.resolve("classes");
    String diagnostics = javac(modulePath, classes, src);
    assertThat(diagnostics).as("javac output").isEmpty();

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-Xmx256m",
        "--module-path", modulePath + File.pathSeparator + classes, "--module", "cairn.smoke/smoke.Main",
        dir.resolve("job").toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("view 42")
        .contains("restored Point[x=3, y=4] 7 click 42")
        .contains("internal exported: false")
        .contains("internal inaccessible")
        .contains("cairn modules: [dev.cairn.checkpoint, dev.cairn.state, dev.cairn.state.heap,"
            + " dev.cairn.state.rocksdb, dev.cairn.ttl]");
  }

  @Test
  void internalsDoNotCompileAgainstTheModules() throws IOException {
    Path src = dir.resolve("src/cairn.intruder");
    write(src.resolve("module-info.java"), "module cairn.intruder { requires dev.cairn.checkpoint; }\n");
    write(src.resolve("intruder/Peek.java"), """
        package intruder;

        public class Peek {
          Class<?> store = dev.cairn.checkpoint.internal.JobStore.class;
          Class<?> storage = dev.cairn.checkpoint.storage.CheckpointStorage.class; // exported SPI
        }
        """);
    String diagnostics = javac(modulePath(), dir.resolve("intruder-classes"), src);
    assertThat(diagnostics)
        .contains("package dev.cairn.checkpoint.internal is declared in module dev.cairn.checkpoint,"
            + " which does not export it")
        .doesNotContain("dev.cairn.checkpoint.storage");
  }

  /** The library modules (as built by the reactor) and their runtime dependencies, nothing else. */
  private static String modulePath() {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      String name = path.getFileName().toString();
      boolean library = LIBRARY_MODULES.stream().anyMatch(m ->
          // <module>/target/classes (or -Dcairn.target=... instead of target) in a reactor build
          name.equals("classes") && path.getNameCount() > 2
              && path.getParent().getParent().getFileName().toString().equals(m)
              || name.matches("cairn-" + m + "-[^-]+(-SNAPSHOT)?\\.jar"));
      boolean dependency = DEPENDENCIES.stream().anyMatch(name::startsWith) && name.endsWith(".jar");
      if (library || dependency) {
        entries.add(entry);
      }
    }
    assertThat(entries).as("module path from " + System.getProperty("java.class.path")).hasSize(12);
    return String.join(File.pathSeparator, entries);
  }

  private static String javac(String modulePath, Path out, Path moduleSource) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> sources;
    try (var files = Files.walk(moduleSource)) {
      sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).collect(Collectors.toList());
    }
    // an explicit, empty class path: in-process javac would otherwise read this JVM's class path
    List<String> args = new ArrayList<>(Arrays.asList(
        "--module-path", modulePath, "--class-path", out.toString(), "-d", out.toString()));
    args.addAll(sources);
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
    return diagnostics.toString(StandardCharsets.UTF_8);
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
