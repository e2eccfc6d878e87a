package dev.cairn.checkpoint.storage;

import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.StateMetaInfo;
import java.util.List;

/**
 * The content of a checkpoint's {@code _metadata}: what was snapshotted, by whom, in which files.
 * All paths are file names relative to the checkpoint directory, so a savepoint can be moved.
 *
 * @param checkpointId the checkpoint's id
 * @param timestampMillis when it was triggered, epoch milliseconds
 * @param savepoint whether it is a savepoint (never removed by retention)
 * @param participants one entry per participant, in participant index order
 */
public record CheckpointMetadata(
    long checkpointId, long timestampMillis, boolean savepoint, List<Participant> participants) {

  public CheckpointMetadata {
    participants = List.copyOf(participants);
  }

  /**
   * One participant's part.
   *
   * @param maxParallelism its keyed backend's max parallelism
   * @param keyGroupRange its keyed backend's key groups
   * @param keyedStreams the streams its keyed backend wrote
   * @param states every keyed state in the snapshot, with its serializer snapshots
   * @param operatorState the file of its operator state
   */
  public record Participant(
      int maxParallelism,
      KeyGroupRange keyGroupRange,
      List<StreamFile> keyedStreams,
      List<StateMetaInfo> states,
      StoredFile operatorState) {

    public Participant {
      keyedStreams = List.copyOf(keyedStreams);
      states = List.copyOf(states);
    }
  }

  /**
   * A stream written through the snapshot SPI, and the file that holds it.
   *
   * @param streamName the name the backend gave it
   * @param file the stored file
   */
  public record StreamFile(String streamName, StoredFile file) {}

  /** Returns the total size of the listed files in bytes (the metadata file excluded). */
  public long dataSize() {
    long size = 0;
    for (Participant p : participants) {
      size += p.operatorState().size();
      for (StreamFile f : p.keyedStreams()) {
        size += f.file().size();
      }
    }
    return size;
  }
}
