package dev.cairn.checkpoint.tool;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointCorruptedException;
import dev.cairn.checkpoint.CheckpointException;
import dev.cairn.checkpoint.internal.CheckpointLayout;
import dev.cairn.checkpoint.internal.JobStore;
import dev.cairn.checkpoint.processor.OperatorStateInfo;
import dev.cairn.checkpoint.processor.SavepointReader;
import dev.cairn.checkpoint.processor.StateEntry;
import dev.cairn.checkpoint.processor.StateInfo;
import dev.cairn.checkpoint.processor.StateRow;
import dev.cairn.checkpoint.storage.FileLayer;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import dev.cairn.state.StateException;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.RestoredSerializers;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code cairn-tool}: the command line over the state processor ({@link SavepointReader}). Run
 * {@code java -jar cairn-tool.jar --help}. Exit codes: 0 success (for {@code diff}: no difference),
 * 1 damage found by {@code verify} or any command, or differences found by {@code diff}, 2 a usage
 * error or unusable input (a missing directory, not a checkpoint).
 */
public final class CairnTool {

  /** Success; for {@code diff}, no difference. */
  public static final int OK = 0;
  /** Damage found, or differences found by {@code diff}. */
  public static final int FOUND = 1;
  /** A usage error or unusable input. */
  public static final int USAGE = 2;

  private static final String USAGE_TEXT = """
      usage: java -jar cairn-tool.jar <command> [options]

      Offline tools for Cairn checkpoints and savepoints. DIR is a checkpoint (<job dir>/chk-<id>) or a
      savepoint directory; JOBDIR a job's checkpoint directory.

      commands:
        inspect DIR                 participants, keyed states (kind, serializers, entries, bytes), operator states
        verify DIR|JOBDIR           checks every file: framing, size and CRC32C against the metadata, and parses
                                    the canonical streams; for a job directory, every complete checkpoint
        dump DIR --state S [--limit N]
                                    the entries of keyed state S as JSON lines {"key", "userKey", "value"},
                                    decoded with serializers rebuilt from the stored snapshots
                                    (Kryo data as {"serializer", "base64"})
        diff A B [--state S] [--keys]
                                    per keyed state: keys added, removed and changed from A to B;
                                    --keys prints each difference as a JSON line; exit code 1 if any
        dispose DIR                 deletes a savepoint (its metadata first, then the files it lists)
        gc JOBDIR [--delete]        lists (or, with --delete, deletes) what no complete checkpoint references:
                                    unfinished checkpoint directories, temporary and unreferenced shared files;
                                    refused while a coordinator runs on JOBDIR

      exit codes: 0 success (diff: identical), 1 damage or differences found, 2 usage error or unusable input
      """;

  private final PrintStream out;
  private final PrintStream err;

  private CairnTool(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the tool and exits with its exit code. */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    System.out.flush();
    System.exit(code);
  }

  /**
   * Runs the tool with {@code args}, writing to {@code out} and {@code err}.
   *
   * @return the exit code: {@link #OK}, {@link #FOUND} or {@link #USAGE}
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return new CairnTool(out, err).run(args);
  }

  private int run(String[] args) {
    if (args.length == 0) {
      err.print(USAGE_TEXT);
      return USAGE;
    }
    List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
    if (List.of("--help", "-h", "help").contains(args[0]) || rest.contains("--help") || rest.contains("-h")) {
      out.print(USAGE_TEXT);
      return OK;
    }
    try {
      return switch (args[0]) {
        case "inspect" -> inspect(new Options(rest, Set.of()));
        case "verify" -> verify(new Options(rest, Set.of()));
        case "dump" -> dump(new Options(rest, Set.of("--state", "--limit")));
        case "diff" -> diff(new Options(rest, Set.of("--state", "--keys")));
        case "dispose" -> dispose(new Options(rest, Set.of()));
        case "gc" -> gc(new Options(rest, Set.of("--delete")));
        default -> throw new UsageException("unknown command '" + args[0] + "'");
      };
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println("run with --help for usage");
      return USAGE;
    } catch (CheckpointCorruptedException e) {
      err.println("DAMAGED: " + e.file() + ": " + e.getMessage());
      return FOUND;
    } catch (StateException | IllegalArgumentException | IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return USAGE;
    } catch (IOException e) {
      err.println("error: " + e);
      return USAGE;
    }
  }

  // ------------------------------------------------------------------ commands

  private int inspect(Options options) {
    SavepointReader reader = SavepointReader.open(options.path(0, "DIR"));
    options.noMorePositionals(1);
    out.println((reader.isSavepoint() ? "savepoint " : "checkpoint ") + reader.checkpointId() + " at " + reader.directory());
    out.println("  job " + (reader.jobId() == null ? "(format v1: none)" : reader.jobId()) + ", triggered " + reader.timestamp()
        + ", max parallelism " + reader.maxParallelism() + ", " + reader.dataSize() + " bytes in " + reader.files().size() + " files");
    out.println("participants:");
    for (SavepointReader.Participant p : reader.participants()) {
      out.println("  task " + p.index() + ": key groups " + p.keyGroupRange() + ", format " + p.format() + ", "
          + p.files() + " keyed file(s) of " + p.keyedBytes() + " bytes, operator state " + p.operatorStateBytes() + " bytes");
    }
    out.println("keyed states" + (reader.isCanonical() ? ":" : " (entries not counted: not a canonical snapshot):"));
    for (StateInfo s : reader.states()) {
      out.println("  " + s.name() + ": " + s.kind().name().toLowerCase(java.util.Locale.ROOT)
          + ", key " + (s.keySerializer() == null ? "?" : s.keySerializer())
          + (s.userKeySerializer() == null ? "" : ", user key " + s.userKeySerializer())
          + ", value " + s.valueSerializer()
          + (s.entries() < 0 ? "" : ", " + s.entries() + " entries, " + s.bytes() + " bytes"));
    }
    out.println("operator states:");
    for (OperatorStateInfo o : reader.operatorStates()) {
      out.println("  " + o.name() + ": " + (o.union() ? "union" : "split") + " list of " + o.serializer() + ", "
          + o.elements() + " elements");
    }
    return OK;
  }

  private int verify(Options options) throws IOException {
    Path directory = options.path(0, "DIR");
    options.noMorePositionals(1);
    List<Path> checkpoints = new ArrayList<>();
    if (Files.isDirectory(directory) && !Files.exists(directory.resolve(CheckpointLayout.METADATA), LinkOption.NOFOLLOW_LINKS)
        && isJobDirectory(directory)) {
      for (Path chk : checkpointsOf(directory)) {
        checkpoints.add(chk);
      }
      if (checkpoints.isEmpty()) {
        throw new UsageException(directory + " is a job directory without complete checkpoints: nothing to verify");
      }
    } else {
      checkpoints.add(directory);
    }
    int damaged = 0;
    for (Path checkpoint : checkpoints) {
      try {
        SavepointReader reader = SavepointReader.open(checkpoint);
        List<String> files = reader.verify();
        out.println("OK " + reader.describe() + ": " + files.size() + " files verified");
      } catch (CheckpointCorruptedException e) {
        err.println("DAMAGED: " + e.file() + ": " + e.getMessage());
        damaged++;
      }
    }
    return damaged == 0 ? OK : FOUND;
  }

  private int dump(Options options) {
    SavepointReader reader = SavepointReader.open(options.path(0, "DIR"));
    options.noMorePositionals(1);
    String state = options.required("--state");
    long limit = options.longValue("--limit", Long.MAX_VALUE);
    boolean map = reader.state(state).userKeySerializer() != null;
    try (Stream<StateRow> rows = reader.rows(state)) {
      Iterator<StateRow> it = rows.limit(limit).iterator();
      StringBuilder line = new StringBuilder();
      while (it.hasNext()) {
        StateRow row = it.next();
        line.setLength(0);
        line.append("{\"key\":");
        Json.write(row.key(), line);
        if (map) {
          line.append(",\"userKey\":");
          Json.write(row.userKey(), line);
        }
        line.append(",\"value\":");
        Json.write(row.value(), line);
        line.append('}');
        out.println(line);
      }
    }
    return OK;
  }

  private int diff(Options options) {
    SavepointReader a = SavepointReader.open(options.path(0, "A"));
    SavepointReader b = SavepointReader.open(options.path(1, "B"));
    options.noMorePositionals(2);
    boolean keys = options.flag("--keys");
    String only = options.value("--state", null);
    Set<String> names = new LinkedHashSet<>();
    if (only != null) {
      if (!a.stateNames().contains(only) && !b.stateNames().contains(only)) {
        throw new UsageException("neither " + a.describe() + " nor " + b.describe() + " has keyed state '" + only + "'");
      }
      names.add(only);
    } else {
      names.addAll(a.stateNames());
      names.addAll(b.stateNames());
    }
    boolean different = false;
    for (String name : names) {
      boolean inA = a.stateNames().contains(name);
      boolean inB = b.stateNames().contains(name);
      if (!inA || !inB) {
        out.println(name + ": state " + (inA ? "removed" : "added") + " (" + (inA ? a : b).state(name).entries() + " entries)");
        different = true;
        continue;
      }
      StateInfo sa = a.state(name);
      StateInfo sb = b.state(name);
      if (sa.kind() != sb.kind()) {
        out.println(name + ": kind changed from " + sa.kind() + " to " + sb.kind());
        different = true;
        continue;
      }
      Function<StateEntry, String> describeA = describer(sa);
      Function<StateEntry, String> describeB = describer(sb);
      Map<ByteBuffer, StateEntry> left = new HashMap<>();
      try (Stream<StateEntry> entries = a.entries(name)) {
        entries.forEach(e -> left.put(identity(e), e));
      }
      long[] counts = new long[3]; // added, removed, changed
      List<String> lines = new ArrayList<>();
      try (Stream<StateEntry> entries = b.entries(name)) {
        entries.forEach(e -> {
          StateEntry before = left.remove(identity(e));
          if (before == null) {
            counts[0]++;
            if (keys) {
              lines.add("{\"state\":" + Json.encode(name) + ",\"change\":\"added\"," + describeB.apply(e) + "}");
            }
          } else if (!content(before).equals(content(e))) {
            counts[2]++;
            if (keys) {
              lines.add("{\"state\":" + Json.encode(name) + ",\"change\":\"changed\"," + describeB.apply(e) + "}");
            }
          }
        });
      }
      counts[1] = left.size();
      if (keys) {
        left.values().forEach(e ->
            lines.add("{\"state\":" + Json.encode(name) + ",\"change\":\"removed\"," + describeA.apply(e) + "}"));
      }
      boolean same = counts[0] + counts[1] + counts[2] == 0;
      different |= !same;
      out.println(name + ": " + (same ? "identical" : counts[0] + " added, " + counts[1] + " removed, " + counts[2] + " changed")
          + (sa.valueSerializer().equals(sb.valueSerializer()) ? "" : " (value serializer " + sa.valueSerializer()
              + " -> " + sb.valueSerializer() + ")"));
      lines.forEach(out::println);
    }
    return different ? FOUND : OK;
  }

  private Function<StateEntry, String> describer(StateInfo state) {
    Function<byte[], Object> key = decoder(state.keySerializer());
    Function<byte[], Object> userKey = state.userKeySerializer() == null ? null : decoder(state.userKeySerializer());
    return e -> "\"key\":" + Json.encode(key.apply(e.key()))
        + (userKey == null ? "" : ",\"userKey\":" + Json.encode(userKey.apply(e.userKey())));
  }

  private static Function<byte[], Object> decoder(TypeSerializerSnapshot<?> snapshot) {
    var reader = snapshot == null ? java.util.Optional.<RestoredSerializers.GenericReader>empty() : RestoredSerializers.generic(snapshot);
    return bytes -> {
      if (reader.isPresent()) {
        try {
          DataInputBuffer in = new DataInputBuffer(bytes);
          Object value = reader.get().read(in);
          if (in.remaining() == 0) {
            return value;
          }
        } catch (StateException | IllegalArgumentException e) {
          // shown as bytes below
        }
      }
      return new StateRow.Undecoded(String.valueOf(snapshot), bytes);
    };
  }

  private static ByteBuffer identity(StateEntry e) {
    if (e.userKey() == null) {
      return ByteBuffer.wrap(e.key());
    }
    return ByteBuffer.wrap(ByteBuffer.allocate(4 + e.key().length + e.userKey().length)
        .putInt(e.key().length).put(e.key()).put(e.userKey()).array());
  }

  private static ByteBuffer content(StateEntry e) {
    if (e.elements() == null) {
      return e.value() == null ? ByteBuffer.allocate(1) : ByteBuffer.wrap(ByteBuffer.allocate(1 + e.value().length).put((byte) 1).put(e.value()).array());
    }
    int size = 0;
    for (byte[] element : e.elements()) {
      size += 4 + element.length;
    }
    ByteBuffer all = ByteBuffer.allocate(size);
    for (byte[] element : e.elements()) {
      all.putInt(element.length).put(element);
    }
    return ByteBuffer.wrap(all.array());
  }

  private int dispose(Options options) {
    Path directory = options.path(0, "DIR");
    options.noMorePositionals(1);
    SavepointReader reader = SavepointReader.open(directory); // clear errors for what is no savepoint
    if (!reader.isSavepoint()) {
      throw new UsageException(reader.describe() + " is a checkpoint, not a savepoint: checkpoints are removed by their"
          + " job's retention (or gc); nothing deleted");
    }
    CheckpointCoordinator.disposeSavepoint(directory);
    out.println("disposed " + reader.describe() + " (" + reader.files().size() + " files and its metadata)");
    return OK;
  }

  private int gc(Options options) throws IOException {
    Path directory = options.path(0, "JOBDIR");
    options.noMorePositionals(1);
    boolean delete = options.flag("--delete");
    if (!Files.isDirectory(directory)) {
      throw new UsageException(directory + (Files.exists(directory, LinkOption.NOFOLLOW_LINKS) ? " is not a directory" : " does not exist"));
    }
    if (Files.exists(directory.resolve(CheckpointLayout.METADATA), LinkOption.NOFOLLOW_LINKS)) {
      throw new UsageException(directory + " is a checkpoint or savepoint, not a job directory: give the directory that holds"
          + " its chk-<id> directories (to delete a savepoint, use dispose)");
    }
    if (!isJobDirectory(directory)) {
      throw new UsageException(directory + " is not a job directory: it holds no chk-<id> or shared/ directory");
    }
    List<String> garbage = JobStore.collectGarbage(LocalCheckpointStorage.at(FileLayer.local(), directory), delete);
    for (String file : garbage) {
      out.println((delete ? "deleted " : "would delete ") + file);
    }
    out.println(garbage.size() + " file(s) " + (delete ? "deleted" : "unreferenced; run with --delete to delete them")
        + "; complete checkpoints: " + checkpointsOf(directory).size());
    return OK;
  }

  private static boolean isJobDirectory(Path directory) throws IOException {
    try (Stream<Path> children = Files.list(directory)) {
      return children.anyMatch(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
          && (CheckpointLayout.checkpointId(p.getFileName().toString()).isPresent()
              || p.getFileName().toString().equals(CheckpointLayout.SHARED_DIRECTORY)));
    }
  }

  private static List<Path> checkpointsOf(Path jobDirectory) throws IOException {
    TreeMap<Long, Path> sorted = new TreeMap<>();
    try (Stream<Path> children = Files.list(jobDirectory)) {
      children.forEach(p -> CheckpointLayout.checkpointId(p.getFileName().toString()).ifPresent(id -> {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && Files.exists(p.resolve(CheckpointLayout.METADATA), LinkOption.NOFOLLOW_LINKS)) {
          sorted.put(id, p);
        }
      }));
    }
    return List.copyOf(sorted.values());
  }

  // ------------------------------------------------------------------ arguments

  private static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** Positional arguments and {@code --name value} / {@code --flag} options. */
  private static final class Options {
    private static final Set<String> FLAGS = Set.of("--keys", "--delete");
    private final List<String> positionals = new ArrayList<>();
    private final Map<String, String> values = new HashMap<>();

    Options(List<String> args, Set<String> known) {
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        if (arg.startsWith("--")) {
          if (!known.contains(arg)) {
            throw new UsageException("unknown option " + arg + (known.isEmpty() ? "" : "; this command takes " + known));
          }
          if (FLAGS.contains(arg)) {
            values.put(arg, "true");
          } else {
            if (i + 1 >= args.size()) {
              throw new UsageException("option " + arg + " needs a value");
            }
            values.put(arg, args.get(++i));
          }
        } else {
          positionals.add(arg);
        }
      }
    }

    Path path(int index, String name) {
      if (index >= positionals.size()) {
        throw new UsageException("missing " + name);
      }
      return Path.of(positionals.get(index));
    }

    void noMorePositionals(int count) {
      if (positionals.size() > count) {
        throw new UsageException("unexpected argument '" + positionals.get(count) + "'");
      }
    }

    String required(String option) {
      String value = values.get(option);
      if (value == null) {
        throw new UsageException("missing " + option);
      }
      return value;
    }

    String value(String option, String otherwise) {
      return values.getOrDefault(option, otherwise);
    }

    boolean flag(String option) {
      return values.containsKey(option);
    }

    long longValue(String option, long otherwise) {
      String value = values.get(option);
      if (value == null) {
        return otherwise;
      }
      try {
        long n = Long.parseLong(value);
        if (n < 0) {
          throw new NumberFormatException();
        }
        return n;
      } catch (NumberFormatException e) {
        throw new UsageException(option + " needs a number >= 0, not '" + value + "'");
      }
    }
  }
}
