package dev.cairn.checkpoint.storage;

import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Names in a job directory:
 *
 * <pre>
 * &lt;job dir&gt;/_lock                      held by the live coordinator
 * &lt;job dir&gt;/chk-&lt;id&gt;/_metadata          written last: the checkpoint exists iff it is present and verifies
 * &lt;job dir&gt;/chk-&lt;id&gt;/task-&lt;i&gt;.&lt;stream&gt;  a participant's keyed-state stream (framed, magic CSTR)
 * &lt;job dir&gt;/chk-&lt;id&gt;/task-&lt;i&gt;.operator-state  a participant's operator state (framed, magic COPS)
 * &lt;job dir&gt;/shared/                  reserved for files shared by incremental checkpoints
 * </pre>
 *
 * A savepoint directory has the same content as a {@code chk-<id>} directory. State names never
 * become file names; stream names are checked against {@code [a-z0-9._-]{1,64}}.
 */
public final class CheckpointLayout {

  /** The metadata file's name. */
  public static final String METADATA = "_metadata";
  /** The lock file's name. */
  public static final String LOCK = "_lock";
  /** The prefix of checkpoint directories. */
  public static final String CHECKPOINT_PREFIX = "chk-";
  /** The magic of keyed-state stream files, "CSTR". */
  public static final int STREAM_MAGIC = 0x43535452;
  /** The format version of keyed-state stream framing. */
  public static final int STREAM_VERSION = 1;

  private static final Pattern STREAM_NAME = Pattern.compile("[a-z0-9._-]{1,64}");
  private static final Pattern DATA_FILE = Pattern.compile("task-[0-9]{1,5}\\.[a-z0-9._-]{1,64}");
  private static final Pattern CHECKPOINT_DIR = Pattern.compile("chk-([0-9]{1,18})");

  private CheckpointLayout() {}

  /** Returns the directory of checkpoint {@code id} in {@code jobDirectory}. */
  public static Path checkpointDirectory(Path jobDirectory, long id) {
    return jobDirectory.resolve(CHECKPOINT_PREFIX + id);
  }

  /** Returns the id of a checkpoint directory name, or empty if it is not one. */
  public static OptionalLong checkpointId(String directoryName) {
    var m = CHECKPOINT_DIR.matcher(directoryName);
    return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }

  /** Returns whether {@code name} is a valid stream name. */
  public static boolean isValidStreamName(String name) {
    return name != null && STREAM_NAME.matcher(name).matches();
  }

  /** Returns the file name of participant {@code index}'s stream {@code streamName}. */
  public static String streamFileName(int index, String streamName) {
    if (!isValidStreamName(streamName)) {
      throw new IllegalArgumentException("invalid stream name '" + streamName + "': must match " + STREAM_NAME);
    }
    return "task-" + index + "." + streamName;
  }

  /** Returns whether a file name read from metadata is one Cairn writes (never a path). */
  public static boolean isValidDataFileName(String name) {
    return DATA_FILE.matcher(name).matches();
  }
}
