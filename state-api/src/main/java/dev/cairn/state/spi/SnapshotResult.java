package dev.cairn.state.spi;

import java.util.List;
import java.util.Objects;

/**
 * What the asynchronous part of a snapshot wrote.
 *
 * @param format the snapshot's format: {@link KeyedSnapshotFormat#FORMAT} for a canonical snapshot,
 *     the backend's own id for another (1 to 64 characters of {@code [a-z0-9._-]}); restore is handed
 *     it back by {@link SnapshotInput#format()}
 * @param streamNames the entries written or referenced
 * @param states every state in the snapshot, with its serializer snapshots (for the metadata)
 * @param entryCount the number of entries written (values, lists, map entries), or -1 if the format
 *     does not count them (native files)
 */
public record SnapshotResult(String format, List<String> streamNames, List<StateMetaInfo> states, long entryCount) {

  public SnapshotResult {
    Objects.requireNonNull(format, "format");
    streamNames = List.copyOf(streamNames);
    states = List.copyOf(states);
  }

  /** A canonical snapshot's result: one stream, {@link KeyedSnapshotFormat#STREAM_NAME}. */
  public static SnapshotResult canonical(List<StateMetaInfo> states, long entryCount) {
    return new SnapshotResult(KeyedSnapshotFormat.FORMAT, List.of(KeyedSnapshotFormat.STREAM_NAME), states, entryCount);
  }
}
