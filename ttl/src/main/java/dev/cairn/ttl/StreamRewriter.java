package dev.cairn.ttl;

import dev.cairn.state.SnapshotException;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyedSnapshotReader;
import dev.cairn.state.spi.KeyedSnapshotWriter;
import dev.cairn.state.spi.StateMetaInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Copies a canonical keyed-state stream ({@link dev.cairn.state.spi.KeyedSnapshotFormat}), changing
 * the states' serializer snapshots and the value bytes of chosen states on the way: how TTL filters
 * expired entries out of snapshots and adds or strips envelopes on restore, on raw bytes, without
 * deserializing user values. Keys and user keys are copied as they are.
 */
final class StreamRewriter {

  /** What happens to the entries of one state. */
  interface StateRewrite {
    /** Returns the new stored state meta info (its serializer snapshot). */
    StateMetaInfo meta(StateMetaInfo stored);

    /** Rewrites a value, reducing or aggregating value or a list element; null drops it. */
    byte[] value(byte[] bytes);

    /** Rewrites a map value ({@code bytes} null: mapped to null); {@link #DROP} drops the entry. */
    byte[] mapValue(byte[] bytes);
  }

  /** Returned by {@link StateRewrite#mapValue} to drop a map entry. */
  static final byte[] DROP = new byte[0];

  private StreamRewriter() {}

  /**
   * Reads the header of a stream.
   *
   * @throws dev.cairn.state.SnapshotException if it is damaged
   */
  static List<StateMetaInfo> states(InputStream in, String description) {
    return new KeyedSnapshotReader(in, description).states();
  }

  /**
   * Copies {@code in} to {@code out}, applying {@code rewrites} (null for a state: copied as is).
   *
   * @param keyGroups only entries of these key groups are kept (null: all)
   * @return the number of entries read minus the number written
   */
  static long rewrite(
      InputStream in,
      OutputStream out,
      String description,
      KeyGroupRange keyGroups,
      Function<StateMetaInfo, StateRewrite> rewrites)
      throws IOException {
    KeyedSnapshotReader reader = new KeyedSnapshotReader(in, description);
    List<StateMetaInfo> stored = reader.states();
    StateRewrite[] perState = new StateRewrite[stored.size()];
    List<StateMetaInfo> written = new ArrayList<>(stored.size());
    for (int i = 0; i < stored.size(); i++) {
      perState[i] = rewrites.apply(stored.get(i));
      written.add(perState[i] == null ? stored.get(i) : perState[i].meta(stored.get(i)));
    }
    KeyedSnapshotWriter writer =
        new KeyedSnapshotWriter(out, reader.maxParallelism(), reader.keyGroupRange(), reader.keySerializer(), written);
    KeyGroupRange filter = keyGroups == null ? reader.keyGroupRange() : reader.keyGroupRange().intersect(keyGroups);
    Copier copier = new Copier(writer, perState);
    long read = 0;
    try {
      if (filter == null) {
        reader.readEntries(reader.keyGroupRange(), new Skipper()); // nothing wanted; still verify the stream
      } else {
        read = reader.readEntries(filter, copier);
      }
    } catch (SnapshotException e) {
      if (e.getCause() instanceof UncheckedIOException io) {
        throw io.getCause(); // the output failed, the input is fine
      }
      throw e;
    }
    copier.endSection();
    writer.finish();
    return read - writer.entryCount();
  }

  /** Reads through a stream without keeping anything (to check its trailer). */
  private static final class Skipper implements KeyedSnapshotReader.EntryVisitor {
    @Override
    public void value(int stateIndex, int keyGroup, byte[] key, byte[] value) {}

    @Override
    public void list(int stateIndex, int keyGroup, byte[] key, List<byte[]> elements) {}

    @Override
    public void mapEntry(int stateIndex, int keyGroup, byte[] key, byte[] userKey, byte[] value) {}
  }

  /** Writes each entry, opening a section whenever the (key group, state) changes. */
  private static final class Copier implements KeyedSnapshotReader.EntryVisitor {

    private final KeyedSnapshotWriter writer;
    private final StateRewrite[] perState;
    private int sectionGroup = -1;
    private int sectionState = -1;

    Copier(KeyedSnapshotWriter writer, StateRewrite[] perState) {
      this.writer = writer;
      this.perState = perState;
    }

    @Override
    public void value(int stateIndex, int keyGroup, byte[] key, byte[] value) {
      StateRewrite rewrite = perState[stateIndex];
      byte[] bytes = rewrite == null ? value : rewrite.value(value);
      if (bytes != null) {
        try {
          section(keyGroup, stateIndex);
          writer.writeValue(key, key.length, bytes, bytes.length);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }

    @Override
    public void list(int stateIndex, int keyGroup, byte[] key, List<byte[]> elements) {
      StateRewrite rewrite = perState[stateIndex];
      List<byte[]> kept = elements;
      if (rewrite != null) {
        kept = new ArrayList<>(elements.size());
        for (byte[] element : elements) {
          byte[] bytes = rewrite.value(element);
          if (bytes != null) {
            kept.add(bytes);
          }
        }
      }
      if (!kept.isEmpty()) {
        try {
          section(keyGroup, stateIndex);
          writer.writeList(key, key.length, kept);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }

    @Override
    public void mapEntry(int stateIndex, int keyGroup, byte[] key, byte[] userKey, byte[] value) {
      StateRewrite rewrite = perState[stateIndex];
      byte[] bytes = rewrite == null ? value : rewrite.mapValue(value);
      if (bytes != DROP) {
        try {
          section(keyGroup, stateIndex);
          writer.writeMapEntry(key, key.length, userKey, userKey.length, bytes, bytes == null ? 0 : bytes.length);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }

    private void section(int keyGroup, int stateIndex) throws IOException {
      if (keyGroup != sectionGroup || stateIndex != sectionState) {
        endSection();
        writer.beginSection(keyGroup, stateIndex);
        sectionGroup = keyGroup;
        sectionState = stateIndex;
      }
    }

    void endSection() throws IOException {
      if (sectionState >= 0) {
        writer.endSection();
        sectionState = -1;
        sectionGroup = -1;
      }
    }
  }
}
