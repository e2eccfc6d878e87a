package dev.cairn.state.spi;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

/** The streams of one stored snapshot, as written through a {@link SnapshotOutput}. */
public interface SnapshotInput {

  /** Returns the names of the snapshot's streams. */
  Set<String> streamNames();

  /**
   * Opens a stream for reading; the caller closes it.
   *
   * @throws IOException if it cannot be read
   * @throws dev.cairn.state.SnapshotException if there is no stream of that name
   */
  InputStream openStream(String name) throws IOException;

  /** Describes this snapshot for error messages (a checkpoint id and directory, say). */
  String description();
}
