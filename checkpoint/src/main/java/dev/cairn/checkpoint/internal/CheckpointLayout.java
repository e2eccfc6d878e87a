package dev.cairn.checkpoint.internal;

import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Names in a job's checkpoint storage:
 *
 * <pre>
 * _lock                       the lease of the live coordinator (local: an OS file lock)
 * chk-&lt;id&gt;/_metadata          written last: the checkpoint exists iff it is present and verifies
 * chk-&lt;id&gt;/task-&lt;i&gt;.&lt;entry&gt;   participant i's private files (keyed-state entries, operator-state)
 * shared/&lt;c&lt;id&gt;-&lt;uuid&gt;-&lt;entry&gt;&gt; files shared by incremental checkpoints, kept while referenced
 * </pre>
 *
 * A savepoint directory has the content of a {@code chk-<id>} directory and no shared files. State
 * names never become file names; entry names are checked against {@code [A-Za-z0-9._-]{1,64}}.
 */
public final class CheckpointLayout {

  /** The metadata file's name. */
  public static final String METADATA = "_metadata";
  /** The lock file's name. */
  public static final String LOCK = "_lock";
  /** The prefix of checkpoint directories. */
  public static final String CHECKPOINT_PREFIX = "chk-";
  /** The directory of shared files. */
  public static final String SHARED_DIRECTORY = "shared";
  /** The magic of keyed-state files (private and shared), "CSTR". */
  public static final int STREAM_MAGIC = 0x43535452;
  /** The framing version of keyed-state files. */
  public static final int STREAM_VERSION = 1;
  /** The entry name reserved for operator state. */
  public static final String OPERATOR_STATE_ENTRY = "operator-state";

  private static final Pattern ENTRY_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern PRIVATE_FILE = Pattern.compile("task-[0-9]{1,5}\\..+");
  private static final Pattern CHECKPOINT_DIR = Pattern.compile("chk-([0-9]{1,18})");

  private CheckpointLayout() {}

  /** Returns the name of checkpoint {@code id}'s directory. */
  public static String checkpointDirectory(long id) {
    return CHECKPOINT_PREFIX + id;
  }

  /** Returns the id of a checkpoint directory name, or empty if it is not one. */
  public static OptionalLong checkpointId(String directoryName) {
    var m = CHECKPOINT_DIR.matcher(directoryName);
    return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }

  /** Returns whether {@code name} is a valid entry name. */
  public static boolean isValidEntryName(String name) {
    return name != null && ENTRY_NAME.matcher(name).matches();
  }

  /** Returns the file name of participant {@code index}'s private entry {@code entryName}. */
  public static String privateFileName(int index, String entryName) {
    if (!isValidEntryName(entryName)) {
      throw new IllegalArgumentException("invalid entry name '" + entryName + "': must match " + ENTRY_NAME);
    }
    return "task-" + index + "." + entryName;
  }

  /** Returns whether {@code fileName} in a checkpoint directory is one Cairn writes there. */
  public static boolean isCheckpointFile(String fileName) {
    return fileName.equals(METADATA) || PRIVATE_FILE.matcher(fileName).matches()
        || LocalCheckpointStorage.isTemporary(fileName);
  }

  /** Returns a new, unique name in {@code shared/} for entry {@code entryName} of checkpoint {@code id}. */
  public static String newSharedFileName(long checkpointId, String entryName) {
    String unique = java.util.UUID.randomUUID().toString().replace("-", "");
    return SHARED_DIRECTORY + "/c" + checkpointId + "-" + unique + "-" + entryName;
  }

  /** Returns whether {@code fileName} in {@code shared/} is one Cairn writes there. */
  public static boolean isSharedFile(String fileName) {
    return fileName.matches("c[0-9]{1,18}-[0-9a-f]{32}-[A-Za-z0-9._-]{1,64}") || LocalCheckpointStorage.isTemporary(fileName);
  }
}
