package dev.cairn.state.spi;

import java.util.List;

/**
 * What the asynchronous part of a snapshot wrote.
 *
 * @param streamNames the streams written
 * @param states every state in the snapshot, with its serializer snapshots (for the metadata)
 * @param entryCount the number of entries written (values, lists, map entries)
 */
public record SnapshotResult(List<String> streamNames, List<StateMetaInfo> states, long entryCount) {

  public SnapshotResult {
    streamNames = List.copyOf(streamNames);
    states = List.copyOf(states);
  }
}
