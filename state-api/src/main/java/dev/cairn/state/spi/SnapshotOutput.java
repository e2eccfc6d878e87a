package dev.cairn.state.spi;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where a snapshot writes its streams; the checkpoint module maps each stream to a file (adding its
 * own framing and checksums). Later versions add the reuse of files stored by an earlier checkpoint
 * (native incremental snapshots).
 */
public interface SnapshotOutput {

  /**
   * Creates a new stream. The caller closes it; only streams closed without error count as written.
   *
   * @param name the stream's name, unique within the snapshot: 1 to 64 characters of {@code
   *     [a-z0-9._-]}
   * @throws IOException if the stream cannot be created
   * @throws IllegalArgumentException if the name is invalid or used twice
   */
  OutputStream createStream(String name) throws IOException;
}
