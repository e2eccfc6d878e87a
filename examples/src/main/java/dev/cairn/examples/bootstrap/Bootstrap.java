package dev.cairn.examples.bootstrap;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointParticipant;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.checkpoint.processor.KeyedRow;
import dev.cairn.checkpoint.processor.MapRow;
import dev.cairn.checkpoint.processor.SavepointReader;
import dev.cairn.checkpoint.processor.SavepointWriter;
import dev.cairn.checkpoint.processor.StateInfo;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.ReducingState;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Bootstrapping state offline: a legacy system exported per-user totals as CSV; {@link
 * SavepointWriter} turns them into a savepoint without running any job, and a job then starts from it
 * and keeps counting where the legacy system stopped.
 *
 * <pre>{@code
 * java -jar examples/target/cairn-examples.jar bootstrap [--input users.csv] [--savepoint DIR] [--backend heap|rocksdb]
 * }</pre>
 *
 * <p>The CSV has a header {@code user,visits,spent,country} and one line per user. The savepoint holds
 * value state {@code visits}, reducing state {@code spent} (a sum), map state {@code per-country}
 * (visits per country) and the operator state {@code offset} (0: the job's input starts from the
 * beginning). The job restores it, processes generated visits (user, amount), takes a checkpoint, and
 * checks that every user's totals are the CSV's plus its new visits. With no arguments it writes its
 * own CSV into a temporary directory. Exit code 0 when every total matches, 1 otherwise, 2 for bad
 * arguments or a bad CSV line (named with its line number).
 */
public final class Bootstrap {

  static final ValueStateDescriptor<Long> VISITS = StateDescriptors.value("visits", Serializers.LONG, 0L);
  static final ReducingStateDescriptor<Long> SPENT = StateDescriptors.reducing("spent", Long::sum, Serializers.LONG);
  static final MapStateDescriptor<String, Long> PER_COUNTRY =
      StateDescriptors.map("per-country", Serializers.STRING, Serializers.LONG);

  /** One CSV line. */
  record User(String user, long visits, long spent, String country) {}

  private Bootstrap() {}

  public static int main(String[] args) throws IOException {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
    Path input = null;
    Path savepoint = null;
    String backend = "heap";
    for (int i = 0; i < args.length; i++) {
      if (i + 1 >= args.length) {
        return usage(err, "option " + args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--input" -> input = Path.of(args[++i]);
        case "--savepoint" -> savepoint = Path.of(args[++i]);
        case "--backend" -> backend = args[++i];
        default -> {
          return usage(err, "unknown option " + args[i]);
        }
      }
    }
    if (!backend.equals("heap") && !backend.equals("rocksdb")) {
      return usage(err, "--backend is heap or rocksdb, not " + backend);
    }
    Path temp = Files.createTempDirectory("cairn-bootstrap");
    try {
      if (input == null) {
        input = temp.resolve("users.csv");
        writeCsv(input, 1_000, 7);
        out.println("wrote a CSV of 1000 users to " + input);
      }
      if (savepoint == null) {
        savepoint = temp.resolve("savepoint");
      }
      List<User> users;
      try {
        users = readCsv(input);
      } catch (IllegalArgumentException e) {
        err.println("bootstrap: " + e.getMessage());
        return 2;
      }

      // 1. offline: build the savepoint from the CSV rows, no job running
      long entries = SavepointWriter.create(Serializers.STRING, 128)
          .withValueState(VISITS, users.stream().map(u -> new KeyedRow<>(u.user(), u.visits())))
          .withReducingState(SPENT, users.stream().map(u -> new KeyedRow<>(u.user(), u.spent())))
          .withMapState(PER_COUNTRY, users.stream().map(u -> new MapRow<>(u.user(), u.country(), u.visits())))
          .withOperatorListState("offset", Serializers.LONG, List.of(0L))
          .write(savepoint);
      try (SavepointReader written = SavepointReader.open(savepoint)) {
        out.println("bootstrapped " + written.describe() + " with " + entries + " entries:");
        for (StateInfo s : written.states()) {
          out.println("  " + s.name() + " (" + s.kind().name().toLowerCase(java.util.Locale.ROOT) + "): " + s.entries()
              + " entries, " + s.bytes() + " bytes");
        }
      }

      // 2. a job starts from it and goes on counting
      List<String[]> visits = generateVisits(users, 5_000, 11);
      Map<String, long[]> expected = new LinkedHashMap<>();
      users.forEach(u -> expected.put(u.user(), new long[] {u.visits(), u.spent()}));
      for (String[] v : visits) {
        long[] e = expected.get(v[0]);
        e[0]++;
        e[1] += Long.parseLong(v[1]);
      }
      Path jobDirectory = temp.resolve("job");
      int mismatches = 0;
      try (KeyedStateBackend<String> state = backend.equals("heap")
              ? HeapStateBackend.builder(Serializers.STRING).build()
              : RocksDbStateBackend.builder(Serializers.STRING).build();
          CheckpointCoordinator coordinator = CheckpointCoordinator.builder(jobDirectory).build()) {
        OperatorStateStore operatorState = new OperatorStateStore();
        CheckpointParticipant task = coordinator.register(state, operatorState);
        long restored = coordinator.restore(savepoint);
        ValueState<Long> visitCount = state.getState(VISITS);
        ReducingState<Long> spent = state.getState(SPENT);
        MapState<String, Long> perCountry = state.getState(PER_COUNTRY);
        ListState<Long> offset = operatorState.getListState("offset", Serializers.LONG);
        long position = offset.get().iterator().next();
        out.println("restored savepoint " + restored + " into a " + backend + " job at input offset " + position);
        coordinator.start();
        Map<String, String> countryOf = new LinkedHashMap<>();
        users.forEach(u -> countryOf.put(u.user(), u.country()));
        for (int n = (int) position; n < visits.size(); n++) {
          task.checkpointIfPending();
          String[] v = visits.get(n);
          state.setCurrentKey(v[0]);
          visitCount.update(visitCount.value() + 1);
          spent.add(Long.parseLong(v[1]));
          String country = countryOf.get(v[0]);
          Long c = perCountry.get(country);
          perCountry.put(country, c == null ? 1 : c + 1);
        }
        offset.update(List.of((long) visits.size()));
        long checkpoint = task.checkpointNow().join().checkpointId();
        out.println("processed " + visits.size() + " new visits; checkpoint " + checkpoint + " complete in " + jobDirectory);

        for (Map.Entry<String, long[]> e : expected.entrySet()) {
          state.setCurrentKey(e.getKey());
          long v = visitCount.value();
          Long s = spent.get();
          Long c = perCountry.get(countryOf.get(e.getKey()));
          if (v != e.getValue()[0] || s == null || s != e.getValue()[1] || c == null || c != v) {
            if (mismatches++ < 5) {
              err.println("MISMATCH " + e.getKey() + ": visits " + v + ", spent " + s + ", per country " + c
                  + "; expected " + e.getValue()[0] + ", " + e.getValue()[1]);
            }
          }
        }
        for (String user : List.copyOf(expected.keySet()).subList(0, Math.min(3, expected.size()))) {
          state.setCurrentKey(user);
          out.println("  " + user + ": visits " + visitCount.value() + ", spent " + spent.get() + ", per country "
              + Map.of(countryOf.get(user), perCountry.get(countryOf.get(user))));
        }
      }
      if (mismatches > 0) {
        err.println(mismatches + " of " + expected.size() + " users differ from the CSV plus their new visits");
        return 1;
      }
      out.println("all " + expected.size() + " users equal the CSV's totals plus their new visits");
      return 0;
    } finally {
      deleteRecursively(temp);
    }
  }

  private static int usage(PrintStream err, String problem) {
    err.println("bootstrap: " + problem);
    err.println("usage: bootstrap [--input users.csv] [--savepoint DIR] [--backend heap|rocksdb]");
    return 2;
  }

  /** Writes {@code users} seeded lines {@code user,visits,spent,country} under a header. */
  static void writeCsv(Path file, int users, long seed) throws IOException {
    Random random = new Random(seed);
    String[] countries = {"de", "fr", "nl", "pl", "se"};
    StringBuilder csv = new StringBuilder("user,visits,spent,country\n");
    for (int i = 0; i < users; i++) {
      csv.append(String.format("user-%04d,%d,%d,%s%n", i, 1 + random.nextInt(50), random.nextInt(100_000),
          countries[random.nextInt(countries.length)]));
    }
    Files.writeString(file, csv, StandardCharsets.UTF_8);
  }

  /**
   * Reads the CSV.
   *
   * @throws IllegalArgumentException naming the file and line of a malformed or duplicate line
   */
  static List<User> readCsv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).equals("user,visits,spent,country")) {
      throw new IllegalArgumentException(file + ":1: expected the header user,visits,spent,country");
    }
    List<User> users = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      try {
        if (f.length != 4 || f[0].isEmpty() || f[3].isEmpty()) {
          throw new NumberFormatException();
        }
        User user = new User(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), f[3]);
        if (user.visits() < 0 || user.spent() < 0) {
          throw new NumberFormatException();
        }
        if (!seen.add(user.user())) {
          throw new IllegalArgumentException(file + ":" + (i + 1) + ": user " + user.user() + " appears twice");
        }
        users.add(user);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected user,visits,spent,country with"
            + " non-negative numbers, got '" + line + "'");
      }
    }
    return users;
  }

  private static List<String[]> generateVisits(List<User> users, int n, long seed) {
    Random random = new Random(seed);
    List<String[]> visits = new ArrayList<>(n);
    for (int i = 0; i < n && !users.isEmpty(); i++) {
      visits.add(new String[] {users.get(random.nextInt(users.size())).user(), Integer.toString(random.nextInt(1_000))});
    }
    return visits;
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // a temporary directory: left for the OS if it cannot be removed
    }
  }
}
