package dev.cairn.examples.ttlbounded;

import dev.cairn.examples.Demo;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.serde.Serializers;
import dev.cairn.ttl.TtlStateBackend;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * TTL keeping state bounded: the same stream of visits runs through two backends side by side, one
 * counting visits per user without a time-to-live, the other with one. Most users are one-off
 * visitors (a new one every 20 events, seen 16 times within those 20 ms); a few regulars come back all
 * the time. Without TTL every visitor stays in state forever, so it grows with the stream; with TTL
 * a visitor's count expires {@code --ttl-ms} after its last visit and Cairn's default background
 * cleanup removes it, so state levels off at about the users seen within one TTL, while the regulars,
 * refreshed by every visit, stay. Entries are the keys stored in the backend under the TTL decorator,
 * expired ones not yet removed included: exact on both backends (RocksDB's own key count is an
 * estimate; {@code monitor-state} shows the metrics).
 *
 * <pre>{@code
 * java -jar examples/target/cairn-examples.jar ttl-bounded [--backend heap|rocksdb] [--ttl-ms 1000] [--events 100000]
 * }</pre>
 *
 * <p>Time is event time: event {@code i} happens at millisecond {@code i} of a clock the example
 * advances itself, so a run is deterministic and takes well under a second. Exit code 0 if state with
 * TTL ends at less than half the entries of state without it.
 */
public final class TtlBounded {

  /** Regular users: every fifth event is one of them. */
  public static final int REGULARS = 50;
  /** Events per visitor: a new visitor every this many events. */
  public static final int EVENTS_PER_VISITOR = 20;

  private TtlBounded() {}

  /** The user of event {@code i}: every fifth event a regular, the others the current visitor. */
  public static String user(long i) {
    return i % 5 == 0 ? "regular-" + (i / 5) % REGULARS : "visitor-" + i / EVENTS_PER_VISITOR;
  }

  /** The keys with state in {@code backend}: under a TTL decorator, expired ones not removed yet too. */
  private static long storedKeys(KeyedStateBackend<String> backend) {
    try (Stream<String> keys = backend.keys("visits")) {
      return keys.count();
    }
  }

  public static int main(String[] args) throws Exception {
    return run(args, System.out);
  }

  /** Runs the example, printing to {@code out}; returns the exit code. */
  public static int run(String[] args, PrintStream out) {
    String kind;
    long ttlMs;
    long events;
    try {
      Map<String, String> options = Demo.options(args, List.of("backend", "ttl-ms", "events"));
      List<String> kinds = Demo.backends(options, "heap");
      if (kinds.size() != 1) {
        throw new IllegalArgumentException("--backend must be heap or rocksdb");
      }
      kind = kinds.get(0);
      ttlMs = Demo.positive(options, "ttl-ms", 1_000);
      events = Demo.positive(options, "events", 100_000);
    } catch (IllegalArgumentException e) {
      out.println("ttl-bounded: " + e.getMessage());
      out.println("usage: ttl-bounded [--backend heap|rocksdb] [--ttl-ms N] [--events N]");
      return 2;
    }
    Path directory = Demo.temporaryDirectory("ttl-bounded");
    try {
      return demo(kind, ttlMs, events, directory, out);
    } finally {
      Demo.deleteRecursively(directory);
    }
  }

  private static int demo(String kind, long ttlMs, long events, Path directory, PrintStream out) {
    long[] now = {0};
    InstantSource clock = () -> Instant.ofEpochMilli(now[0]);
    ValueStateDescriptor<Long> visits = StateDescriptors.value("visits", Serializers.LONG, 0L);
    ValueStateDescriptor<Long> visitsWithTtl = StateDescriptors.value("visits", Serializers.LONG, 0L)
        .withTtl(TtlConfig.builder(Duration.ofMillis(ttlMs)).build()); // default cleanup: 2 keys per write
    out.printf(Locale.ROOT, "%,d visits on the %s backend, one per millisecond of event time: %d regulars,"
        + " a new visitor every %d events; TTL %,d ms%n", events, kind, REGULARS, EVENTS_PER_VISITOR, ttlMs);
    out.printf(Locale.ROOT, "%10s %12s %18s %15s%n", "events", "event time", "entries, no TTL", "entries, TTL");
    KeyedStateBackend<String> expiringInner = Demo.backend(kind, Serializers.STRING, directory.resolve("ttl"));
    try (KeyedStateBackend<String> plain = Demo.backend(kind, Serializers.STRING, directory.resolve("plain"));
        KeyedStateBackend<String> expiring = TtlStateBackend.wrap(expiringInner, clock)) {
      ValueState<Long> plainVisits = plain.getState(visits);
      ValueState<Long> expiringVisits = expiring.getState(visitsWithTtl);
      long step = Math.max(1, events / 10);
      long plainEntries = 0;
      long expiringEntries = 0;
      for (long i = 0; i < events; i++) {
        now[0] = i;
        String user = user(i);
        plain.setCurrentKey(user);
        plainVisits.update(plainVisits.value() + 1);
        expiring.setCurrentKey(user);
        expiringVisits.update(expiringVisits.value() + 1);
        if ((i + 1) % step == 0 || i + 1 == events) {
          plainEntries = storedKeys(plain);
          expiringEntries = storedKeys(expiringInner); // expired but not yet removed included
          out.printf(Locale.ROOT, "%,10d %10.1f s %,18d %,15d%n", i + 1, (i + 1) / 1000.0, plainEntries, expiringEntries);
        }
      }
      String regular = user(0);
      String visitor = user(1);
      plain.setCurrentKey(regular);
      expiring.setCurrentKey(regular);
      out.printf(Locale.ROOT, "%s: %,d visits without TTL, %,d with TTL (every visit refreshes its TTL)%n",
          regular, plainVisits.value(), expiringVisits.value());
      plain.setCurrentKey(visitor);
      expiring.setCurrentKey(visitor);
      out.printf(Locale.ROOT, "%s: %,d visits without TTL, %s with TTL (expired %,d ms after its last visit)%n",
          visitor, plainVisits.value(), expiringVisits.value() == 0 ? "none" : expiringVisits.value(), ttlMs);
      boolean bounded = expiringEntries * 2 < plainEntries;
      out.println(bounded
          ? "with TTL, state stays bounded by the users of about one TTL; without it, it grows with the stream"
          : "state with TTL is NOT bounded: " + expiringEntries + " entries against " + plainEntries);
      return bounded ? 0 : 1;
    }
  }
}
