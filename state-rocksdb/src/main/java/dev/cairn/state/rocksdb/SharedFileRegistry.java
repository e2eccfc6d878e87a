package dev.cairn.state.rocksdb;

import dev.cairn.state.spi.SharedFileHandle;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which stored SST files a backend's incremental snapshots may reference: the files of its last
 * completed checkpoint (or of a claimed restore), by file name. Each written snapshot reports the
 * files it wrote or referenced as <em>pending</em> under its checkpoint id; a completion makes that
 * checkpoint's files the confirmed set, an abort drops them. Files of a pending checkpoint are never
 * handed out: its checkpoint may still fail and its files be deleted.
 *
 * <p>Snapshot writers call {@link #confirmed} and {@link #written} on their own threads, the task
 * thread calls the rest: every method is synchronized. The <em>generation</em> changes whenever the
 * database is replaced or emptied by a restore, so a snapshot of the previous database can neither
 * use nor report files whose names now mean other files.
 */
final class SharedFileRegistry {

  /** A stored SST file: its handle, and the size and CRC32C of its content (for the meta stream). */
  record StoredFile(SharedFileHandle handle, long size, int crc32c) {}

  private Map<String, StoredFile> confirmed = Map.of();
  private final TreeMap<Long, Map<String, StoredFile>> pending = new TreeMap<>();
  /** Aborted ids not yet covered by a completion, so a late {@link #written} of them is ignored. */
  private final Set<Long> aborted = new HashSet<>();
  private long completedUpTo = Long.MIN_VALUE;
  private long generation;

  /** Returns the current generation, to pass back to {@link #confirmed} and {@link #written}. */
  synchronized long generation() {
    return generation;
  }

  /** Returns the files that may be referenced now, or none if {@code generation} is past. */
  synchronized Map<String, StoredFile> confirmed(long generation) {
    return generation == this.generation ? confirmed : Map.of();
  }

  /** Records the files the snapshot of {@code checkpointId} stored or referenced. */
  synchronized void written(long generation, long checkpointId, Map<String, StoredFile> files) {
    if (generation == this.generation && checkpointId > completedUpTo && !aborted.contains(checkpointId)) {
      pending.put(checkpointId, Map.copyOf(files));
    }
  }

  /**
   * The checkpoint {@code checkpointId} completed: its files become the confirmed set (none if it
   * stored no native snapshot, a canonical one say); earlier pending checkpoints are dropped.
   */
  synchronized void completed(long checkpointId) {
    if (checkpointId <= completedUpTo) {
      return;
    }
    Map<String, StoredFile> files = pending.remove(checkpointId);
    confirmed = files == null ? Map.of() : files;
    pending.headMap(checkpointId).clear();
    aborted.removeIf(id -> id <= checkpointId);
    completedUpTo = checkpointId;
  }

  /** The checkpoint {@code checkpointId} will never complete: its files are never referenced. */
  synchronized void aborted(long checkpointId) {
    pending.remove(checkpointId);
    if (checkpointId > completedUpTo) {
      aborted.add(checkpointId);
    }
  }

  /** Starts a new generation whose confirmed files are {@code files} (a claimed restore's, or none). */
  synchronized void reset(Map<String, StoredFile> files) {
    generation++;
    confirmed = Map.copyOf(files);
    pending.clear();
    aborted.clear();
  }
}
