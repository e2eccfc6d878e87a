package dev.cairn.state.kit;

import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.SnapshotOutput;

/**
 * A {@link SnapshotOutput} for tests of canonical snapshots, which only create private streams:
 * subclasses implement {@link #createStream(String)}; shared files fail the test.
 */
public abstract class StreamOnlyOutput implements SnapshotOutput {

  @Override
  public final SharedFileHandle writeShared(String name, ContentWriter content) {
    throw new UnsupportedOperationException("a canonical snapshot stores no shared file, got '" + name + "'");
  }

  @Override
  public final void referenceShared(String name, SharedFileHandle handle) {
    throw new UnsupportedOperationException("a canonical snapshot references no shared file, got '" + name + "'");
  }
}
