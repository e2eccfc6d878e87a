package dev.cairn.checkpoint.internal;

import dev.cairn.checkpoint.LocationInUseException;
import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.checkpoint.storage.CorruptFileException;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import dev.cairn.state.StateException;
import dev.cairn.state.spi.SharedFileHandle;
import java.io.IOException;
import java.nio.channels.OverlappingFileLockException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's checkpoints in a {@link CheckpointStorage}, held under its lease (see {@link
 * CheckpointLayout} for the names). Opening it
 *
 * <ol>
 *   <li>takes the lease, so a second live coordinator fails fast;
 *   <li>reads the metadata of every {@code chk-<id>} that has one: those that verify are the complete
 *       checkpoints, and their shared files are counted in the {@link SharedStateRegistry}; those that
 *       do not are reported, never deleted;
 *   <li>removes what a crashed run left unfinished: checkpoint directories without metadata (only the
 *       files Cairn writes there: a directory holding anything else is left, with a warning),
 *       temporary files, and shared files that no complete checkpoint lists.
 * </ol>
 *
 * <p>While running, a shared file is deleted exactly when no retained checkpoint lists it and no
 * pending checkpoint wrote or references it. Retention deletes a checkpoint's {@code _metadata} first,
 * so a crash half-way leaves an unfinished directory (cleaned at the next start), never a checkpoint
 * that looks complete but misses files. Thread-safe.
 */
public final class JobStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);

  private final CheckpointStorage storage;
  private final AutoCloseable lease;
  private final TreeMap<Long, CheckpointMetadata> complete = new TreeMap<>();
  private final TreeMap<Long, CorruptFileException> damaged = new TreeMap<>();
  private final SharedStateRegistry registry = new SharedStateRegistry();
  /** Shared files that pending checkpoints wrote or reference, by checkpoint id. */
  private final Map<Long, Set<String>> pinned = new HashMap<>();
  /** Checkpoints restored without claiming them: this run never deletes them. */
  private final Set<Long> unclaimed = new HashSet<>();
  private final Set<String> failedDeletes = new HashSet<>();
  /** Whether opening only lists what it would remove ({@link #collectGarbage} without deleting). */
  private final boolean dryRun;
  /** What opening removed (or, in a dry run, would remove), as described by the storage. */
  private final List<String> collected = new ArrayList<>();
  private boolean collecting;
  private UUID jobId;
  private long maxSeenId;

  private JobStore(CheckpointStorage storage, AutoCloseable lease, boolean dryRun) {
    this.storage = storage;
    this.lease = lease;
    this.dryRun = dryRun;
  }

  /**
   * Opens the job's storage: takes the lease, reads the complete checkpoints and cleans up.
   *
   * @throws StateException if another live coordinator holds the lease
   * @throws IOException if the storage cannot be read, or the lease cannot be taken (read-only, say)
   */
  public static JobStore open(CheckpointStorage storage) throws IOException {
    return open(storage, false, false);
  }

  /**
   * Collects the garbage of a job's storage as opening it does, under its lease (so never while a
   * coordinator runs on it): unfinished checkpoint directories (only the files Cairn writes there),
   * temporary files, and shared files no complete checkpoint lists (none while a checkpoint's
   * metadata is unreadable). The complete checkpoints and everything Cairn did not write stay.
   *
   * @param delete whether to delete; if false, only lists what would be deleted
   * @return what was (or would be) deleted, as described by the storage
   * @throws StateException if a live coordinator holds the lease
   * @throws IOException if the storage cannot be read, or the lease cannot be taken
   */
  public static List<String> collectGarbage(CheckpointStorage storage, boolean delete) throws IOException {
    try (JobStore store = open(storage, !delete, true)) {
      synchronized (store) {
        return List.copyOf(store.collected);
      }
    }
  }

  private static JobStore open(CheckpointStorage storage, boolean dryRun, boolean collect) throws IOException {
    AutoCloseable lease;
    try {
      lease = storage.lease();
    } catch (OverlappingFileLockException e) {
      lease = null; // held in this JVM
    }
    if (lease == null) {
      throw new LocationInUseException("checkpoint directory " + storage.describe("") + " is in use by another live coordinator");
    }
    JobStore store = new JobStore(storage, lease, dryRun);
    store.collecting = collect;
    try {
      store.scan();
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /**
   * Reads and verifies the metadata of a checkpoint or savepoint directory (framing, CRC32C, size
   * cap, format versions 1 and 2). The files it lists are verified when they are read.
   *
   * @throws CorruptFileException naming the file if it is missing or damaged
   * @throws IOException if it cannot be read
   */
  public static CheckpointMetadata readMetadata(CheckpointStorage directory) throws IOException {
    if (!directory.exists(CheckpointLayout.METADATA)) {
      throw new CorruptFileException(directory.describe(CheckpointLayout.METADATA),
          "missing: " + directory.describe("") + " is not a complete checkpoint or savepoint");
    }
    CheckpointFiles.Payload payload = CheckpointFiles.readVerified(directory, CheckpointLayout.METADATA,
        MetadataFormat.MAGIC, 1, MetadataFormat.VERSION, null, MetadataFormat.MAX_PAYLOAD_BYTES);
    return MetadataFormat.decode(payload.bytes(), payload.version(), directory.describe(CheckpointLayout.METADATA));
  }

  private void scan() throws IOException {
    CheckpointStorage.Listing root = storage.list("");
    for (String other : root.others()) {
      LOG.warn("Ignoring {}: not a regular file or directory (a symbolic link?); checkpoint storage never follows links",
          storage.describe(other));
      CheckpointLayout.checkpointId(other).ifPresent(id -> maxSeenId = Math.max(maxSeenId, id)); // never reuse its id
    }
    for (String file : root.files()) {
      if (LocalCheckpointStorage.isTemporary(file)) {
        delete(file);
      }
    }
    for (String directory : root.directories()) {
      var id = CheckpointLayout.checkpointId(directory);
      if (id.isEmpty()) {
        continue;
      }
      maxSeenId = Math.max(maxSeenId, id.getAsLong());
      CheckpointStorage checkpoint = storage.child(directory);
      if (!checkpoint.exists(CheckpointLayout.METADATA)) {
        removeUnfinished(id.getAsLong());
        continue;
      }
      try {
        CheckpointMetadata metadata = readMetadata(checkpoint);
        if (metadata.checkpointId() != id.getAsLong()) {
          throw new CorruptFileException(checkpoint.describe(CheckpointLayout.METADATA),
              "metadata of checkpoint " + metadata.checkpointId() + " in the directory of checkpoint " + id.getAsLong());
        }
        complete.put(id.getAsLong(), metadata);
        for (String file : checkpoint.list("").files()) {
          if (LocalCheckpointStorage.isTemporary(file)) {
            if (!dryRun) {
              checkpoint.delete(file);
            }
            collected(checkpoint.describe(file));
          }
        }
      } catch (CorruptFileException e) {
        LOG.warn("Checkpoint {} has unreadable metadata; it is left in place and never restored: {}",
            id.getAsLong(), e.getMessage());
        damaged.put(id.getAsLong(), e);
      }
    }
    jobId = complete.isEmpty() || complete.lastEntry().getValue().jobId() == null
        ? UUID.randomUUID()
        : complete.lastEntry().getValue().jobId();
    complete.values().forEach(registry::register);
    removeUnreferencedSharedFiles(root);
  }

  private void removeUnreferencedSharedFiles(CheckpointStorage.Listing root) throws IOException {
    if (!root.directories().contains(CheckpointLayout.SHARED_DIRECTORY)) {
      return; // none yet, or not a directory (warned about above): never followed
    }
    CheckpointStorage.Listing shared = storage.list(CheckpointLayout.SHARED_DIRECTORY);
    if (!damaged.isEmpty()) {
      if (!shared.files().isEmpty()) {
        LOG.warn("Not removing unreferenced shared files while checkpoints {} have unreadable metadata"
            + " (they may list them)", damaged.keySet());
      }
      return;
    }
    for (String file : shared.files()) {
      String path = CheckpointLayout.SHARED_DIRECTORY + "/" + file;
      if (!CheckpointLayout.isSharedFile(file)) {
        LOG.warn("Leaving {}: Cairn did not write it", storage.describe(path));
      } else if (!registry.isReferenced(path)) {
        LOG.info("{} shared file {}: no complete checkpoint lists it", dryRun ? "Would remove" : "Removing", path);
        delete(path);
      }
    }
  }

  /** Removes the files Cairn writes in an unfinished checkpoint's directory, then the directory. */
  private void removeUnfinished(long id) {
    String directory = CheckpointLayout.checkpointDirectory(id);
    CheckpointStorage checkpoint = storage.child(directory);
    try {
      CheckpointStorage.Listing listing = checkpoint.list("");
      for (String file : listing.files()) {
        if (CheckpointLayout.isCheckpointFile(file)) {
          if (!dryRun) {
            checkpoint.delete(file);
          }
          collected(checkpoint.describe(file));
        }
      }
      if (dryRun) {
        return;
      }
      if (!storage.deletePrefix(directory)) {
        LOG.warn("Left unfinished checkpoint directory {} in place: it holds entries Cairn did not write ({})",
            storage.describe(directory), checkpoint.list(""));
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not remove unfinished checkpoint directory {}; retried at the next start",
          storage.describe(directory), e);
    }
  }

  /** Records what a scan removed, for {@link #collectGarbage} only (a running store keeps no such list). */
  private synchronized void collected(String what) {
    if (collecting) {
      collected.add(what);
    }
  }

  private void delete(String path) {
    if (dryRun) {
      collected(storage.describe(path));
      return;
    }
    try {
      storage.delete(path);
      collected(storage.describe(path));
      synchronized (this) {
        failedDeletes.remove(path);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not delete {}; retried after the next completed checkpoint", storage.describe(path), e);
      synchronized (this) {
        failedDeletes.add(path);
      }
    }
  }

  /** Returns the job's id: that of its latest complete checkpoint, or a new one. */
  public UUID jobId() {
    return jobId;
  }

  /** Returns the largest checkpoint id seen when opening, complete or not (0 if none). */
  public long maxSeenId() {
    return maxSeenId;
  }

  /** Returns the job's storage. */
  public CheckpointStorage storage() {
    return storage;
  }

  /** Returns the storage of checkpoint {@code id}'s directory. */
  public CheckpointStorage checkpointStorage(long id) {
    return storage.child(CheckpointLayout.checkpointDirectory(id));
  }

  /**
   * Returns the candidates for restoring, newest first: each complete checkpoint's metadata, or the
   * reason a checkpoint with metadata cannot be read.
   */
  public synchronized NavigableMap<Long, Object> restoreCandidates() {
    TreeMap<Long, Object> candidates = new TreeMap<>(complete);
    candidates.putAll(damaged);
    return candidates.descendingMap();
  }

  /** Returns the complete checkpoints' ids, ascending (checkpoints restored without claim included). */
  public synchronized List<Long> completeIds() {
    return List.copyOf(complete.keySet());
  }

  /** Returns the number of shared files that retained checkpoints list. */
  public synchronized int referencedSharedFiles() {
    return registry.size();
  }

  /** This run never deletes checkpoint {@code id} (it was restored without claiming it). */
  public synchronized void doNotClaim(long id) {
    unclaimed.add(id);
  }

  /** Records that pending checkpoint {@code id} wrote the shared file {@code path}. */
  public synchronized void sharedFileWritten(long id, String path) {
    pinned.computeIfAbsent(id, k -> new HashSet<>()).add(path);
  }

  /**
   * Pins a shared file that pending checkpoint {@code id} references, after checking that a
   * retained checkpoint lists it with the same size and checksum.
   *
   * @return the file's record
   * @throws IllegalArgumentException if no retained checkpoint lists it
   */
  public synchronized StoredFile reference(long id, SharedFileHandle handle) {
    StoredFile file = registry.lookup(handle.id());
    if (file == null || file.size() != handle.size() || file.crc32c() != handle.crc32c()) {
      throw new IllegalArgumentException("shared file " + handle + " is not listed by any retained checkpoint of "
          + storage.describe("") + " (a handle of a checkpoint that never completed, or was removed?)");
    }
    pinned.computeIfAbsent(id, k -> new HashSet<>()).add(file.path());
    return file;
  }

  /**
   * Commits checkpoint {@code metadata}: writes its {@code _metadata} atomically (the commit point)
   * and counts its shared files.
   *
   * @throws IOException if the metadata cannot be committed; the checkpoint then does not exist
   */
  public void commit(CheckpointMetadata metadata) throws IOException {
    long id = metadata.checkpointId();
    checkpointStorage(id).commitMetadata(CheckpointLayout.METADATA, MetadataFormat.encodeFile(metadata));
    synchronized (this) {
      complete.put(id, metadata);
      registry.register(metadata);
      pinned.remove(id);
    }
  }

  /** Returns the size of checkpoint {@code id}'s committed metadata file. */
  public long metadataSize(long id) throws IOException {
    return checkpointStorage(id).size(CheckpointLayout.METADATA);
  }

  /**
   * Removes what pending checkpoint {@code id} wrote: its directory's files and the shared files it
   * wrote that nothing else lists or pins. Failures are logged; the next start removes leftovers.
   */
  public void discardPending(long id) {
    List<String> unused;
    synchronized (this) {
      Set<String> files = pinned.remove(id);
      unused = files == null ? List.of() : unused(files);
    }
    removeUnfinished(id);
    unused.forEach(this::delete);
  }

  /**
   * Keeps at most {@code retained} complete checkpoints (those restored without claim do not count
   * and are never removed), removing the oldest: {@code _metadata} first, then their private files,
   * then the shared files no retained checkpoint lists any more.
   *
   * @return the ids removed
   */
  public List<Long> retain(int retained) {
    Map<Long, CheckpointMetadata> expired = new LinkedHashMap<>();
    synchronized (this) {
      List<Long> owned = new ArrayList<>(complete.keySet());
      owned.removeAll(unclaimed);
      for (int i = 0; i < owned.size() - retained; i++) {
        expired.put(owned.get(i), complete.remove(owned.get(i)));
      }
    }
    List<Long> removed = new ArrayList<>();
    for (long id : expired.keySet()) {
      try {
        checkpointStorage(id).delete(CheckpointLayout.METADATA); // first: from here on it is not a checkpoint
        removed.add(id);
      } catch (IOException | RuntimeException e) {
        LOG.warn("Could not delete the metadata of expired checkpoint {}; it stays, and is retried later", id, e);
      }
    }
    if (!removed.isEmpty()) {
      try {
        storage.sync(); // the metadata deletions are durable before any file they list goes
      } catch (IOException | RuntimeException e) {
        // their files stay listed in the registry, so nothing is deleted; the next start sorts them out
        LOG.warn("Could not make the deletion of expired checkpoints' metadata {} durable; their files stay"
            + " until the next start", removed, e);
        return List.of();
      }
    }
    List<String> unused;
    synchronized (this) {
      List<String> candidates = new ArrayList<>();
      for (Map.Entry<Long, CheckpointMetadata> e : expired.entrySet()) {
        if (removed.contains(e.getKey())) {
          candidates.addAll(registry.unregister(e.getValue()));
        } else {
          complete.put(e.getKey(), e.getValue()); // still listed in the registry: its files stay
        }
      }
      unused = unused(candidates);
    }
    removed.forEach(this::removeUnfinished);
    unused.forEach(this::delete);
    retryFailedDeletes();
    return List.copyOf(removed);
  }

  /** Of {@code paths}, those no retained checkpoint lists and no pending one pins. */
  private List<String> unused(Collection<String> paths) {
    List<String> result = new ArrayList<>();
    for (String path : paths) {
      if (!registry.isReferenced(path) && pinned.values().stream().noneMatch(p -> p.contains(path))) {
        result.add(path);
      }
    }
    return result;
  }

  private void retryFailedDeletes() {
    List<String> retry;
    synchronized (this) {
      retry = unused(failedDeletes);
    }
    retry.forEach(this::delete);
  }

  /**
   * Deletes every complete checkpoint this run may delete (externalized policy "delete on
   * cancellation").
   */
  public void deleteAll() {
    retain(0);
  }

  /** Releases the lease. */
  @Override
  public void close() {
    try {
      lease.close();
    } catch (Exception e) {
      LOG.warn("Could not release the lease of {}", storage.describe(""), e);
    }
  }
}
