package dev.cairn.checkpoint.internal;

import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.StateMetaInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The content of a checkpoint's {@code _metadata}: what was snapshotted, by whom, in which files.
 * Private files are named relative to the checkpoint directory, shared ones relative to the job
 * directory, so a savepoint (private files only) can be moved.
 *
 * @param jobId the job that wrote it, or null for format-v1 metadata, which had none
 * @param checkpointId the checkpoint's id
 * @param timestampMillis when it was triggered, epoch milliseconds
 * @param savepoint whether it is a savepoint (never removed by retention)
 * @param participants one entry per participant, in participant index order
 */
public record CheckpointMetadata(
    UUID jobId, long checkpointId, long timestampMillis, boolean savepoint, List<Participant> participants) {

  public CheckpointMetadata {
    participants = List.copyOf(participants);
  }

  /**
   * One participant's part.
   *
   * @param maxParallelism its keyed backend's max parallelism
   * @param keyGroupRange its keyed backend's key groups
   * @param format the format of its keyed snapshot ({@code SnapshotResult.format()})
   * @param entries the entries of its keyed snapshot, private and shared
   * @param states every keyed state in the snapshot, with its serializer snapshots
   * @param operatorState the file of its operator state
   */
  public record Participant(
      int maxParallelism,
      KeyGroupRange keyGroupRange,
      String format,
      List<Entry> entries,
      List<StateMetaInfo> states,
      StoredFile operatorState) {

    public Participant {
      Objects.requireNonNull(format, "format");
      entries = List.copyOf(entries);
      states = List.copyOf(states);
    }
  }

  /**
   * An entry of a keyed snapshot and the file that holds it.
   *
   * @param name the name the backend gave it
   * @param file the stored file
   */
  public record Entry(String name, StoredFile file) {}

  /** Returns every file the checkpoint lists (the metadata file excluded), private and shared. */
  public List<StoredFile> files() {
    List<StoredFile> files = new ArrayList<>();
    for (Participant p : participants) {
      p.entries().forEach(e -> files.add(e.file()));
      files.add(p.operatorState());
    }
    return files;
  }

  /** Returns the paths of the distinct shared files the checkpoint references. */
  public List<String> sharedPaths() {
    return files().stream().filter(StoredFile::shared).map(StoredFile::path).distinct().toList();
  }

  /** Returns the total size of the listed files in bytes, shared ones counted once (the metadata excluded). */
  public long dataSize() {
    long size = 0;
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (StoredFile f : files()) {
      if (!f.shared() || seen.add(f.path())) {
        size += f.size();
      }
    }
    return size;
  }
}
