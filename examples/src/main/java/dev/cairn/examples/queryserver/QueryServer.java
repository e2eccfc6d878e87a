package dev.cairn.examples.queryserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.ReducingState;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.query.StateView;
import dev.cairn.state.query.StateViews;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Queryable state over HTTP: a job counts events per user (count, sum, counts per action, last five
 * amounts) on its task thread while the JDK's built-in {@link HttpServer} answers lookups from other
 * threads through {@link StateViews}. Every answer comes from one view, so it is one point in time:
 * a user's count always equals the sum of its counts per action, although the job updates them one
 * after the other.
 *
 * <pre>{@code
 * java -jar examples/target/cairn-examples.jar query-server [--port N] [--backend heap|rocksdb]
 * curl localhost:N/users/42              # one user: {"user":42,"count":..,"sum":..,"perAction":{..},"last5":[..]}
 * curl 'localhost:N/users?from=100&to=110'   # a range scan: the users 100 to 109 that have state
 * }</pre>
 *
 * <p>With {@code --port N} it serves on port N and processes generated events until killed. Without
 * it, it serves on a free port, queries itself over HTTP while processing, prints the answers and
 * exits: 0 if every answer was consistent.
 */
public final class QueryServer {

  static final int USERS = 1_000;
  static final long DEMO_EVENTS = 200_000;
  static final int DEMO_QUERIES = 20;
  private static final List<String> ACTIONS = List.of("view", "click", "purchase");

  static final ValueStateDescriptor<Long> COUNT = StateDescriptors.value("count", Serializers.LONG, 0L);
  static final ReducingStateDescriptor<Long> SUM = StateDescriptors.reducing("sum", Long::sum, Serializers.LONG);
  static final MapStateDescriptor<String, Long> PER_ACTION =
      StateDescriptors.map("per-action", Serializers.STRING, Serializers.LONG);
  static final ListStateDescriptor<Integer> LAST_FIVE = StateDescriptors.list("last-five", Serializers.INT);

  private static final Pattern USER = Pattern.compile("/users/(\\d+)");
  private static final Pattern RANGE = Pattern.compile("from=(\\d+)&to=(\\d+)");

  private final KeyedStateBackend<Long> backend;
  private final StateViews<Long> views;
  private final ValueState<Long> count;
  private final ReducingState<Long> sum;
  private final MapState<String, Long> perAction;
  private final ListState<Integer> lastFive;
  private final Random random = new Random(42);
  private long processed;

  private QueryServer(KeyedStateBackend<Long> backend) {
    this.backend = backend;
    this.views = StateViews.of(backend);
    this.count = backend.getState(COUNT);
    this.sum = backend.getState(SUM);
    this.perAction = backend.getState(PER_ACTION);
    this.lastFive = backend.getState(LAST_FIVE);
  }

  public static int main(String[] args) throws Exception {
    return run(args, System.out);
  }

  /** Runs the example, printing to {@code out}; returns the exit code. */
  static int run(String[] args, PrintStream out) throws Exception {
    Integer port = null;
    String backendName = "heap";
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--port" -> port = Integer.valueOf(required(args[i], value));
        case "--backend" -> backendName = required(args[i], value);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: query-server [--port N] [--backend heap|rocksdb]");
      }
      i++;
    }
    KeyedStateBackend<Long> backend = switch (backendName) {
      case "heap" -> HeapStateBackend.builder(Serializers.LONG).build();
      case "rocksdb" -> RocksDbStateBackend.builder(Serializers.LONG).build();
      default -> throw new IllegalArgumentException("--backend must be heap or rocksdb, got " + backendName);
    };
    ExecutorService handlers = Executors.newFixedThreadPool(4);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port == null ? 0 : port), 0);
    try (backend) {
      QueryServer job = new QueryServer(backend);
      try (StateViews<Long> views = job.views) {
        server.createContext("/users", job::handle);
        server.setExecutor(handlers);
        server.start();
        String base = "http://localhost:" + server.getAddress().getPort();
        out.println("query-server: " + backendName + " backend, serving on " + base + "/users/{id} and "
            + base + "/users?from=A&to=B");
        if (port != null) {
          job.serveForever();
          return 0;
        }
        return job.demo(base, out);
      }
    } finally {
      server.stop(0);
      handlers.shutdownNow();
    }
  }

  private static String required(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  /** Processes one generated event on the task thread: four states of one user, one after the other. */
  private void process() {
    long user = random.nextInt(USERS);
    String action = ACTIONS.get(random.nextInt(ACTIONS.size()));
    int amount = 1 + random.nextInt(100);
    backend.setCurrentKey(user);
    count.update(count.value() + 1);
    sum.add((long) amount);
    Long actions = perAction.get(action);
    perAction.put(action, actions == null ? 1 : actions + 1);
    List<Integer> last = new ArrayList<>();
    lastFive.get().forEach(last::add);
    last.add(amount);
    lastFive.update(last.size() > 5 ? last.subList(last.size() - 5, last.size()) : last);
    processed++;
    views.refresh(); // the safe point between two events: takes a view if a reader waits for one
  }

  /** Processes events without end, a few thousand per second, staying responsive while idle. */
  private void serveForever() throws InterruptedException {
    while (true) {
      for (int i = 0; i < 100; i++) {
        process();
      }
      Thread.sleep(10);
      views.refresh();
    }
  }

  /**
   * Processes events while a client thread queries the server over HTTP, until at least {@value
   * #DEMO_EVENTS} events were processed and {@value #DEMO_QUERIES} answers came back; then checks the
   * final answer against the task thread's own state.
   */
  private int demo(String base, PrintStream out) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    AtomicBoolean processing = new AtomicBoolean(true);
    AtomicLong answers = new AtomicLong();
    AtomicLong inconsistent = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread queries = new Thread(() -> {
      Random pick = new Random(7);
      try {
        while (processing.get()) {
          String path = answers.get() % 5 == 4
              ? "/users?from=100&to=105"
              : "/users/" + pick.nextInt(USERS);
          String answer = get(client, base + path);
          long n = answers.incrementAndGet();
          boolean consistent = path.contains("?") || isConsistent(answer);
          if (!consistent) {
            inconsistent.incrementAndGet();
          }
          if (n <= 8 || !consistent) {
            out.println("GET " + path + " -> " + answer + (consistent ? "" : "   INCONSISTENT"));
          }
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    }, "query-client");
    queries.start();
    while ((processed < DEMO_EVENTS || answers.get() < DEMO_QUERIES) && failure.get() == null) {
      process();
    }
    processing.set(false);
    while (queries.isAlive()) { // the client may wait for one more view
      views.refresh();
      queries.join(1);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("the query client failed", failure.get());
    }
    long during = answers.get();
    out.println(processed + " events processed; " + during + " queries answered during processing, "
        + (inconsistent.get() == 0
            ? "every answer consistent (count = view + click + purchase)"
            : inconsistent.get() + " INCONSISTENT"));

    long expected = expectedCount(42);
    views.publish(); // a view of the final state: the latest one may be up to 100 ms older (the staleness bound)
    Thread finalQuery = new Thread(() -> {
      try {
        String answer = get(client, base + "/users/42");
        out.println("GET /users/42 -> " + answer + "   (after processing)");
        failure.set(answer.contains("\"count\":" + expected + ",") ? null
            : new AssertionError(answer + " has not the task thread's count " + expected));
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    finalQuery.start();
    while (finalQuery.isAlive()) {
      views.refresh();
      finalQuery.join(1);
    }
    if (failure.get() != null) {
      out.println("final answer differs from the task thread's state: " + failure.get());
      return 1;
    }
    return inconsistent.get() == 0 && during >= DEMO_QUERIES ? 0 : 1;
  }

  /** The task thread's own count of {@code user}; on the task thread. */
  private long expectedCount(long user) {
    backend.setCurrentKey(user);
    return count.value();
  }

  private static String get(HttpClient client, String uri) throws IOException, InterruptedException {
    HttpResponse<String> response =
        client.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + uri + ": HTTP " + response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  private static final Pattern COUNTS = Pattern.compile("\"count\":(\\d+).*\"perAction\":\\{([^}]*)}");

  /** Whether an answer's count is the sum of its counts per action. */
  static boolean isConsistent(String answer) {
    Matcher matcher = COUNTS.matcher(answer);
    if (!matcher.find()) {
      return false;
    }
    long perAction = 0;
    for (String entry : matcher.group(2).split(",")) {
      if (!entry.isEmpty()) {
        perAction += Long.parseLong(entry.substring(entry.indexOf(':') + 1));
      }
    }
    return Long.parseLong(matcher.group(1)) == perAction;
  }

  /** Answers {@code /users/{id}} and {@code /users?from=A&to=B} from one view each, on a server thread. */
  private void handle(HttpExchange exchange) throws IOException {
    String body;
    int status = 200;
    try (StateView<Long> view = views.acquire()) {
      Matcher user = USER.matcher(exchange.getRequestURI().getPath());
      String query = exchange.getRequestURI().getQuery();
      Matcher range = query == null ? null : RANGE.matcher(query);
      if (user.matches()) {
        body = user(view, Long.parseLong(user.group(1)));
      } else if (range != null && range.matches()) {
        StringJoiner users = new StringJoiner(",", "{\"users\":[", "]}");
        view.keys(COUNT.name(), Long.valueOf(range.group(1)), Long.valueOf(range.group(2)))
            .forEach(key -> users.add(key.toString()));
        body = users.toString();
      } else {
        status = 404;
        body = "{\"error\":\"use /users/{id} or /users?from=A&to=B\"}";
      }
    } catch (RuntimeException e) {
      status = 503;
      body = "{\"error\":\"" + e.getMessage().replace("\"", "'") + "\"}";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream response = exchange.getResponseBody()) {
      response.write(bytes);
    }
  }

  /** One user's state as JSON, read from one view. */
  private static String user(StateView<Long> view, long user) {
    Map<String, Long> actions = new TreeMap<>();
    view.entries(PER_ACTION, user).forEach(entry -> actions.put(entry.getKey(), entry.getValue()));
    StringJoiner perAction = new StringJoiner(",", "{", "}");
    actions.forEach((action, n) -> perAction.add("\"" + action + "\":" + n));
    return "{\"user\":" + user + ",\"count\":" + view.value(COUNT, user) + ",\"sum\":" + view.reduced(SUM, user)
        + ",\"perAction\":" + perAction + ",\"last5\":" + view.list(LAST_FIVE, user)
        + ",\"takenAt\":\"" + view.takenAt() + "\"}";
  }
}
