package dev.cairn.state.spi;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where a snapshot writes its files; the checkpoint module maps each to a stored file, adding its own
 * framing and checksums. A snapshot consists of named entries, each either <em>private</em> (a stream
 * that belongs to this snapshot alone, {@link #createStream}) or <em>shared</em> (a file that later
 * snapshots may reference, {@link #writeShared} and {@link #referenceShared}). Entry names are unique
 * within a snapshot: 1 to 64 characters of {@code [A-Za-z0-9._-]}.
 *
 * <p>Used by the thread that runs {@link StateSnapshot#writeTo(SnapshotOutput)}.
 */
public interface SnapshotOutput {

  /** Writes the content of a shared file. */
  @FunctionalInterface
  interface ContentWriter {
    /** Writes the whole content to {@code out}; does not close it. */
    void write(OutputStream out) throws IOException;
  }

  /**
   * Creates a private stream. The caller closes it; only streams closed without error count as
   * written.
   *
   * @param name the entry's name
   * @throws IOException if the stream cannot be created
   * @throws IllegalArgumentException if the name is invalid or used twice
   */
  OutputStream createStream(String name) throws IOException;

  /**
   * Stores a shared file and lists it in this snapshot under {@code name}. Later snapshots of the
   * same backend may list it again with {@link #referenceShared} instead of writing it again. The
   * storage keeps it for as long as a retained checkpoint lists it.
   *
   * @param name the entry's name in this snapshot
   * @param content writes the file's content
   * @return the handle to reference the file by, once this snapshot's checkpoint is complete
   * @throws IOException if it cannot be stored
   * @throws IllegalArgumentException if the name is invalid or used twice
   */
  SharedFileHandle writeShared(String name, ContentWriter content) throws IOException;

  /**
   * Lists a shared file stored by an earlier checkpoint in this snapshot under {@code name}, without
   * writing it again.
   *
   * @param name the entry's name in this snapshot (it may differ from the name it had before)
   * @param handle a handle from {@link #writeShared} of an earlier, completed checkpoint, or from
   *     {@link SnapshotInput#sharedHandle(String)} of a claimed restore
   * @throws IOException if the storage cannot reference it
   * @throws IllegalArgumentException if the name is invalid or used twice, or the handle is one that
   *     this storage does not hold (a savepoint, which must be self-contained, holds none: backends
   *     never get {@link SnapshotMode#INCREMENTAL} for savepoints)
   */
  void referenceShared(String name, SharedFileHandle handle) throws IOException;
}
