package dev.cairn.examples.exactlyonce;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointParticipant;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Exactly-once processing of a file of {@code user,action,amount} lines, surviving SIGKILL at any
 * moment: keyed state per user, the input position as operator state, both captured together by
 * periodic checkpoints; on start the latest complete checkpoint is restored and the input replayed
 * from its position. The output, written atomically after the last line, is the same whether or not
 * (and however often) the process was killed.
 *
 * <pre>{@code
 * java -jar examples/target/cairn-examples.jar exactly-once --input IN --output OUT \
 *     --checkpoint-dir DIR --backend heap|rocksdb [--checkpoint-interval-ms 200] [--incremental] \
 *     [--generate N] [--write-back-cache BYTES]
 * }</pre>
 *
 * <p>{@code --incremental} takes incremental checkpoints (RocksDB: its native SST files, each stored
 * once; heap: deltas of the changed keys chained to a base) instead of full canonical ones.
 *
 * <p>{@code --write-back-cache BYTES} sizes the RocksDB backend's write-back cache (0 turns it off;
 * default: the backend's default, {@link RocksDbStateBackend#DEFAULT_WRITE_BACK_CACHE_BYTES}).
 *
 * <p>{@code --generate N} first writes {@code N} seeded events over {@code N / 10} users to {@code
 * IN} if it does not exist yet ({@link EventGenerator}); a restarted run finds it and reads the same
 * input again.
 */
public final class ExactlyOnce {

  private ExactlyOnce() {}

  /** The command line. */
  record Options(
      Path input,
      Path output,
      Path checkpointDir,
      String backend,
      long intervalMs,
      boolean incremental,
      long generate,
      long writeBackCacheBytes) {

    static Options parse(String[] args) {
      Path input = null;
      Path output = null;
      Path dir = null;
      String backend = null;
      long interval = 200;
      boolean incremental = false;
      long generate = -1;
      long writeBackCache = -1;
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--incremental")) {
          incremental = true;
          continue;
        }
        String value = i + 1 < args.length ? args[i + 1] : null;
        if (value == null) {
          throw new IllegalArgumentException("missing value after " + args[i]);
        }
        switch (args[i++]) {
          case "--input" -> input = Path.of(value);
          case "--output" -> output = Path.of(value);
          case "--checkpoint-dir" -> dir = Path.of(value);
          case "--backend" -> backend = value;
          case "--checkpoint-interval-ms" -> interval = Long.parseLong(value);
          case "--generate" -> generate = Long.parseLong(value);
          case "--write-back-cache" -> writeBackCache = Long.parseLong(value);
          default -> throw new IllegalArgumentException("unknown option " + args[i - 1]);
        }
      }
      if (input == null || output == null || dir == null || backend == null) {
        throw new IllegalArgumentException("--input, --output, --checkpoint-dir and --backend are required");
      }
      if (!backend.equals("heap") && !backend.equals("rocksdb")) {
        throw new IllegalArgumentException("--backend must be heap or rocksdb, got " + backend);
      }
      if (interval <= 0) {
        throw new IllegalArgumentException("--checkpoint-interval-ms must be positive");
      }
      if (generate == 0 || generate < -1) {
        throw new IllegalArgumentException("--generate must be positive");
      }
      if (writeBackCache < -1 || writeBackCache >= 0 && !backend.equals("rocksdb")) {
        throw new IllegalArgumentException("--write-back-cache takes bytes (0: off) and needs --backend rocksdb");
      }
      return new Options(input, output, dir, backend, interval, incremental, generate, writeBackCache);
    }
  }

  /** Runs the example; returns the exit code. */
  public static int main(String[] args) throws IOException {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) { // NumberFormatException included
      System.err.println("exactly-once: " + e.getMessage());
      System.err.println(
          "usage: exactly-once --input IN --output OUT --checkpoint-dir DIR --backend heap|rocksdb"
              + " [--checkpoint-interval-ms N] [--incremental] [--generate N] [--write-back-cache BYTES]");
      return 2;
    }
    run(options);
    return 0;
  }

  static void run(Options options) throws IOException {
    if (options.generate() > 0 && !Files.exists(options.input())) {
      int users = (int) Math.max(1, Math.min(options.generate() / 10, Integer.MAX_VALUE));
      EventGenerator.write(options.input(), options.generate(), users, 7);
      System.err.println("generated " + options.generate() + " events in " + options.input());
    }
    CheckpointCoordinator.Builder checkpoints = CheckpointCoordinator.builder(options.checkpointDir().resolve("checkpoints"))
        .interval(Duration.ofMillis(options.intervalMs()));
    if (options.incremental()) {
      checkpoints.incrementalCheckpoints();
    }
    try (KeyedStateBackend<String> backend = backend(options);
        CheckpointCoordinator coordinator = checkpoints.build()) {
      OperatorStateStore operatorState = new OperatorStateStore();
      CheckpointParticipant task = coordinator.register(backend, operatorState);
      OptionalLong restored = coordinator.restoreLatest();
      ListState<Long> lineOffset = operatorState.getListState("line-offset", Serializers.LONG);
      ListState<Long> byteOffset = operatorState.getListState("byte-offset", Serializers.LONG);
      UserActivity activity = new UserActivity(backend);

      long[] position = {first(lineOffset), first(byteOffset)}; // line, byte
      System.err.println(
          restored.isPresent()
              ? "restored checkpoint " + restored.getAsLong() + " at offset " + position[0]
              : "no checkpoint, starting at offset 0");
      task.beforeSnapshot(
          () -> {
            lineOffset.update(List.of(position[0]));
            byteOffset.update(List.of(position[1]));
          });
      coordinator.start();

      try (FileChannel channel = FileChannel.open(options.input(), StandardOpenOption.READ)) {
        channel.position(position[1]);
        LineReader reader = new LineReader(Channels.newInputStream(channel));
        String line;
        while ((line = reader.next()) != null) {
          task.checkpointIfPending();
          processLine(activity, line, position[0] + 1);
          position[0]++;
          position[1] += reader.lastLineBytes();
        }
      }
      writeOutput(options.output(), backend, activity);
    }
  }

  private static KeyedStateBackend<String> backend(Options options) {
    if (options.backend().equals("heap")) {
      return HeapStateBackend.builder(Serializers.STRING).build();
    }
    RocksDbStateBackend.Builder<String> builder = RocksDbStateBackend.builder(Serializers.STRING);
    if (options.writeBackCacheBytes() >= 0) {
      builder.writeBackCache(options.writeBackCacheBytes());
    }
    return builder.build();
  }

  private static long first(ListState<Long> state) {
    for (Long value : state.get()) {
      return value;
    }
    return 0;
  }

  private static void processLine(UserActivity activity, String line, long lineNumber) {
    int a = line.indexOf(',');
    int b = a < 0 ? -1 : line.indexOf(',', a + 1);
    if (a <= 0 || b < 0 || line.indexOf(',', b + 1) >= 0) {
      throw new IllegalArgumentException("line " + lineNumber + ": expected user,action,amount, got '" + line + "'");
    }
    String action = line.substring(a + 1, b);
    if (!UserActivity.ACTIONS.contains(action)) {
      throw new IllegalArgumentException("line " + lineNumber + ": unknown action '" + action + "'");
    }
    long amount;
    try {
      amount = Long.parseLong(line, b + 1, line.length(), 10);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("line " + lineNumber + ": bad amount in '" + line + "'");
    }
    if (amount < 0) {
      throw new IllegalArgumentException("line " + lineNumber + ": negative amount in '" + line + "'");
    }
    activity.process(line.substring(0, a), action, amount);
  }

  /** Writes one line per user, sorted by user, to a temporary file that is then renamed over OUT. */
  private static void writeOutput(Path output, KeyedStateBackend<String> backend, UserActivity activity)
      throws IOException {
    List<String> users;
    try (Stream<String> keys = backend.keys("count")) {
      users = keys.sorted().toList();
    }
    Path absolute = output.toAbsolutePath();
    Path temp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
    try (FileChannel channel =
            FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
      for (String user : users) {
        out.write(activity.line(user).getBytes(StandardCharsets.UTF_8));
        out.write('\n');
      }
      out.flush();
      channel.force(true);
    }
    Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Reads '\n'-terminated UTF-8 lines and tells how many bytes the last one took. */
  static final class LineReader {
    private final InputStream in;
    private byte[] line = new byte[256];
    private int lastLineBytes;

    LineReader(InputStream in) {
      this.in = new BufferedInputStream(in, 1 << 16);
    }

    String next() throws IOException {
      int length = 0;
      int bytes = 0;
      int b;
      while ((b = in.read()) >= 0) {
        bytes++;
        if (b == '\n') {
          break;
        }
        if (length == line.length) {
          line = java.util.Arrays.copyOf(line, length * 2);
        }
        line[length++] = (byte) b;
      }
      if (bytes == 0) {
        return null;
      }
      lastLineBytes = bytes;
      if (length > 0 && line[length - 1] == '\r') {
        length--;
      }
      return new String(line, 0, length, StandardCharsets.UTF_8);
    }

    int lastLineBytes() {
      return lastLineBytes;
    }
  }
}
