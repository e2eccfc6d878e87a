package dev.cairn.state.spi;

import dev.cairn.state.StateKind;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.SerializerSnapshots;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes one keyed-state stream in the {@link KeyedSnapshotFormat canonical format}. Backends call
 * {@link #beginSection} for each (key group, state) with entries, the entry method of the state's
 * kind for each entry, {@link #endSection()}, and finally {@link #finish()}. Not thread-safe.
 */
public final class KeyedSnapshotWriter {

  private static final int FLUSH_THRESHOLD = 64 * 1024;

  private final OutputStream out;
  private final KeyGroupRange keyGroupRange;
  private final List<StateMetaInfo> states;
  private final DataOutputBuffer buffer = new DataOutputBuffer(FLUSH_THRESHOLD + 1024);
  private StateKind sectionKind;
  private long entryCount;
  /** Bytes handed to {@link #out} so far. */
  private long flushed;
  private boolean finished;

  /**
   * Writes the header.
   *
   * @param out the stream; not closed by this writer
   * @param maxParallelism the backend's max parallelism
   * @param keyGroupRange the key groups the snapshot covers
   * @param keySerializer the key serializer's snapshot
   * @param states the states, in the order their indexes refer to
   * @throws IllegalArgumentException if the max parallelism is invalid or the range exceeds it
   */
  public KeyedSnapshotWriter(
      OutputStream out,
      int maxParallelism,
      KeyGroupRange keyGroupRange,
      TypeSerializerSnapshot<?> keySerializer,
      List<StateMetaInfo> states)
      throws IOException {
    KeyGroups.checkMaxParallelism(maxParallelism);
    if (keyGroupRange.endKeyGroup() >= maxParallelism) {
      throw new IllegalArgumentException(
          "key-group range " + keyGroupRange + " exceeds max parallelism " + maxParallelism);
    }
    this.out = out;
    this.keyGroupRange = keyGroupRange;
    this.states = List.copyOf(states);
    DataOutputBuffer header = new DataOutputBuffer();
    header.writeInt(maxParallelism);
    header.writeInt(keyGroupRange.startKeyGroup());
    header.writeInt(keyGroupRange.endKeyGroup());
    SerializerSnapshots.write(keySerializer, header);
    header.writeVarInt(this.states.size());
    for (StateMetaInfo state : this.states) {
      header.writeString(state.name());
      header.writeByte(state.kind().code());
      SerializerSnapshots.write(state.valueSerializer(), header);
      if (state.kind() == StateKind.MAP) {
        SerializerSnapshots.write(state.userKeySerializer(), header);
      }
    }
    buffer.writeInt(KeyedSnapshotFormat.MAGIC);
    buffer.writeInt(KeyedSnapshotFormat.VERSION);
    buffer.writeInt(header.length());
    buffer.writeBytes(header.array(), 0, header.length());
    flushIfFull();
  }

  /**
   * Starts the entries of state {@code stateIndex} in {@code keyGroup}.
   *
   * @throws IllegalArgumentException if the key group is outside the snapshot's range or the state
   *     index is unknown (the reader would reject the whole stream)
   */
  public void beginSection(int keyGroup, int stateIndex) throws IOException {
    if (sectionKind != null) {
      throw new IllegalStateException("section not ended");
    }
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    if (!keyGroupRange.contains(keyGroup)) {
      throw new IllegalArgumentException("key group " + keyGroup + " is outside the snapshot's range " + keyGroupRange);
    }
    if (stateIndex < 0 || stateIndex >= states.size()) {
      throw new IllegalArgumentException("unknown state index " + stateIndex + " of " + states.size() + " states");
    }
    sectionKind = states.get(stateIndex).kind();
    buffer.writeInt(keyGroup);
    buffer.writeVarInt(stateIndex);
  }

  /** Writes a value, reducing or aggregating entry. */
  public void writeValue(byte[] key, int keyLength, byte[] value, int valueLength) throws IOException {
    requireKind(sectionKind != StateKind.LIST && sectionKind != StateKind.MAP);
    buffer.writeByte(KeyedSnapshotFormat.ENTRY);
    buffer.writeLengthPrefixed(key, 0, keyLength);
    buffer.writeLengthPrefixed(value, 0, valueLength);
    entryWritten();
  }

  /** Writes a list entry: the key's serialized elements, at least one. */
  public void writeList(byte[] key, int keyLength, List<byte[]> elements) throws IOException {
    requireKind(sectionKind == StateKind.LIST);
    if (elements.isEmpty()) {
      throw new IllegalArgumentException("a list entry needs at least one element");
    }
    buffer.writeByte(KeyedSnapshotFormat.ENTRY);
    buffer.writeLengthPrefixed(key, 0, keyLength);
    buffer.writeVarInt(elements.size());
    for (byte[] element : elements) {
      buffer.writeLengthPrefixed(element, 0, element.length);
      flushIfFull();
    }
    entryWritten();
  }

  /** Writes one map entry; {@code value} null means the user key is mapped to null. */
  public void writeMapEntry(byte[] key, int keyLength, byte[] userKey, int userKeyLength, byte[] value, int valueLength)
      throws IOException {
    requireKind(sectionKind == StateKind.MAP);
    buffer.writeByte(KeyedSnapshotFormat.ENTRY);
    buffer.writeLengthPrefixed(key, 0, keyLength);
    buffer.writeLengthPrefixed(userKey, 0, userKeyLength);
    if (value == null) {
      buffer.writeByte(0);
    } else {
      buffer.writeByte(1);
      buffer.writeLengthPrefixed(value, 0, valueLength);
    }
    entryWritten();
  }

  /** Ends the current section. */
  public void endSection() throws IOException {
    if (sectionKind == null) {
      throw new IllegalStateException("no section begun");
    }
    buffer.writeByte(KeyedSnapshotFormat.END_OF_SECTION);
    sectionKind = null;
    flushIfFull();
  }

  /** Writes the end marker and the entry count, and flushes; does not close the stream. */
  public void finish() throws IOException {
    if (sectionKind != null) {
      throw new IllegalStateException("section not ended");
    }
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    finished = true;
    buffer.writeInt(KeyedSnapshotFormat.END_OF_SECTIONS);
    buffer.writeLong(entryCount);
    out.write(buffer.array(), 0, buffer.length());
    flushed += buffer.length();
    buffer.reset();
    out.flush();
  }

  /** Returns the bytes of the stream written so far, buffered ones included: sizes of sections. */
  public long position() {
    return flushed + buffer.length();
  }

  /** Returns the number of entries written so far. */
  public long entryCount() {
    return entryCount;
  }

  private void requireKind(boolean ok) {
    if (sectionKind == null) {
      throw new IllegalStateException("no section begun");
    }
    if (!ok) {
      throw new IllegalStateException("wrong entry method for " + sectionKind + " state");
    }
  }

  private void entryWritten() throws IOException {
    entryCount++;
    flushIfFull();
  }

  private void flushIfFull() throws IOException {
    if (buffer.length() >= FLUSH_THRESHOLD) {
      out.write(buffer.array(), 0, buffer.length());
      flushed += buffer.length();
      buffer.reset();
    }
  }
}
