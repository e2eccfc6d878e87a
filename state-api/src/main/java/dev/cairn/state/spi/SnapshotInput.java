package dev.cairn.state.spi;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Set;

/**
 * One stored snapshot, as written through a {@link SnapshotOutput}: its format and its named
 * entries, private and shared alike.
 */
public interface SnapshotInput {

  /**
   * Returns the format the snapshot was written in, as its {@link SnapshotResult#format()} said:
   * {@link KeyedSnapshotFormat#FORMAT} for canonical snapshots, a backend's own id otherwise.
   */
  String format();

  /** Returns the names of the snapshot's entries, private and shared. */
  Set<String> streamNames();

  /**
   * Opens an entry for reading; the caller closes it. The stream verifies the stored checksum as it
   * is read: damage surfaces as an {@link IOException} (at the latest when the end is reached) that
   * names the file, so read every entry to its end before trusting it.
   *
   * @throws IOException if it cannot be read
   * @throws dev.cairn.state.SnapshotException if there is no entry of that name
   */
  InputStream openStream(String name) throws IOException;

  /**
   * Returns the handle of a shared entry if the restoring job may reference it in its own
   * checkpoints (a restore in <em>claim</em> mode), or empty (private entries, savepoints, and
   * restores in <em>no-claim</em> mode, whose first checkpoint must store everything anew).
   */
  Optional<SharedFileHandle> sharedHandle(String name);

  /** Describes this snapshot for error messages (a checkpoint id and directory, say). */
  String description();
}
