package dev.cairn.state.heap;

import dev.cairn.state.spi.KeyedSnapshotWriter;
import dev.cairn.state.spi.StateMetaInfo;
import java.io.IOException;

/** One state as frozen in a snapshot: a registered state's table, or a restored state not registered yet. */
interface SnapshotPart {

  /** Returns the state's meta info, as written in the snapshot header. */
  StateMetaInfo meta();

  /** Returns whether the state has entries in the key group at {@code index} of the backend's range. */
  boolean hasEntries(int index);

  /** Writes the entries of the key group at {@code index} into the writer's current section. */
  void write(int index, KeyedSnapshotWriter writer, WriteBuffers buffers) throws IOException;
}
