package dev.cairn.state.heap;

import dev.cairn.state.spi.KeyedSnapshotWriter;
import dev.cairn.state.spi.StateMetaInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A restored state that is not registered yet: its entries as the serialized bytes read from the
 * snapshots, per key group of the backend's range. It is deserialized at registration, when the
 * state's serializers are known; until then later snapshots write it from these bytes, so nothing is
 * lost. Only {@link HeapRestore} adds entries, before the state is published to the backend; after
 * that it is never changed, so snapshots may share it.
 */
final class RestoredState implements SnapshotPart {

  /**
   * One entry as stored in the canonical format: {@code value} for value-like state, {@code
   * elements} for list state, {@code userKey} and {@code value} (null for a null value) for one map
   * entry.
   */
  record Entry(byte[] key, byte[] value, List<byte[]> elements, byte[] userKey) {}

  private final StateMetaInfo meta;
  private final List<Entry>[] groups;

  @SuppressWarnings("unchecked")
  RestoredState(StateMetaInfo meta, int groupCount) {
    this.meta = meta;
    this.groups = (List<Entry>[]) new List<?>[groupCount];
  }

  /** Returns a copy to which more entries can be added without changing this one. */
  RestoredState copy() {
    RestoredState copy = new RestoredState(meta, groups.length);
    for (int i = 0; i < groups.length; i++) {
      if (groups[i] != null) {
        copy.groups[i] = new ArrayList<>(groups[i]);
      }
    }
    return copy;
  }

  void add(int index, Entry entry) {
    List<Entry> entries = groups[index];
    if (entries == null) {
      entries = new ArrayList<>();
      groups[index] = entries;
    }
    entries.add(entry);
  }

  /** Returns the entries of the key group at {@code index}, or null if none. */
  List<Entry> entries(int index) {
    return groups[index];
  }

  @Override
  public StateMetaInfo meta() {
    return meta;
  }

  @Override
  public boolean hasEntries(int index) {
    return groups[index] != null;
  }

  @Override
  public void write(int index, KeyedSnapshotWriter writer, WriteBuffers buffers) throws IOException {
    for (Entry entry : groups[index]) {
      byte[] key = entry.key();
      byte[] value = entry.value();
      switch (meta.kind()) {
        case LIST -> writer.writeList(key, key.length, entry.elements());
        case MAP -> writer.writeMapEntry(
            key, key.length, entry.userKey(), entry.userKey().length, value, value == null ? 0 : value.length);
        default -> writer.writeValue(key, key.length, value, value.length);
      }
    }
  }
}
