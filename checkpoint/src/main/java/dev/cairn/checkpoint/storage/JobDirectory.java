package dev.cairn.checkpoint.storage;

import dev.cairn.state.StateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's checkpoint directory, held exclusively (see {@link CheckpointLayout}). Opening it takes the
 * lock and removes what an earlier, crashed run left unfinished: checkpoint directories without
 * {@code _metadata} and temporary files.
 */
public final class JobDirectory implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JobDirectory.class);

  private final FileLayer files;
  private final Path root;
  private final AutoCloseable lock;
  private final List<Long> completedIds = new ArrayList<>();
  private long maxSeenId;

  private JobDirectory(FileLayer files, Path root, AutoCloseable lock) {
    this.files = files;
    this.root = root;
    this.lock = lock;
  }

  /**
   * Opens (creating) {@code root}, locks it and cleans up.
   *
   * @throws StateException if another live coordinator holds the directory
   * @throws IOException if it cannot be read or created
   */
  public static JobDirectory open(FileLayer files, Path root) throws IOException {
    files.createDirectories(root);
    AutoCloseable lock;
    try {
      lock = files.lock(root.resolve(CheckpointLayout.LOCK));
    } catch (OverlappingFileLockException | IOException e) {
      throw new StateException(
          "checkpoint directory " + root + " is in use by another live coordinator (" + e + ")", e);
    }
    JobDirectory dir = new JobDirectory(files, root, lock);
    try {
      dir.scan();
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
    return dir;
  }

  private void scan() throws IOException {
    for (Path entry : files.list(root)) {
      String name = entry.getFileName().toString();
      if (CheckpointFiles.isTemporary(name)) {
        files.delete(entry);
        continue;
      }
      OptionalLong id = CheckpointLayout.checkpointId(name);
      if (id.isEmpty() || !files.isDirectory(entry)) {
        continue;
      }
      maxSeenId = Math.max(maxSeenId, id.getAsLong());
      if (files.exists(entry.resolve(CheckpointLayout.METADATA))) {
        completedIds.add(id.getAsLong());
        for (Path file : files.list(entry)) {
          if (CheckpointFiles.isTemporary(file.getFileName().toString())) {
            files.delete(file);
          }
        }
      } else {
        LOG.info("Removing unfinished checkpoint directory {}", entry);
        deleteDirectory(files, entry);
      }
    }
    completedIds.sort(null);
  }

  /** Returns the job directory. */
  public Path root() {
    return root;
  }

  /** Returns the ids of the checkpoints that had {@code _metadata} when the directory was opened, ascending. */
  public List<Long> completedIdsAtOpen() {
    return List.copyOf(completedIds);
  }

  /** Returns the largest checkpoint id seen when opening, complete or not (0 if none). */
  public long maxSeenId() {
    return maxSeenId;
  }

  /** Returns the directory of checkpoint {@code id}. */
  public Path checkpointDirectory(long id) {
    return CheckpointLayout.checkpointDirectory(root, id);
  }

  /** Releases the lock. */
  @Override
  public void close() {
    try {
      lock.close();
    } catch (Exception e) {
      LOG.warn("Could not release the lock of {}", root, e);
    }
  }

  /** Writes {@code metadata} as the {@code _metadata} of {@code directory}: the commit point. */
  public static StoredFile writeMetadata(FileLayer files, Path directory, CheckpointMetadata metadata) throws IOException {
    byte[] bytes = MetadataFormat.encode(metadata);
    return CheckpointFiles.write(
        files, directory.resolve(CheckpointLayout.METADATA), MetadataFormat.MAGIC, MetadataFormat.VERSION, out -> out.write(bytes));
  }

  /**
   * Reads the metadata of a checkpoint or savepoint directory and verifies it and every file it lists
   * (framing, size, CRC32C) before anything is restored.
   *
   * @throws CorruptFileException naming the damaged or missing file
   * @throws IOException if a file cannot be read
   */
  public static CheckpointMetadata readVerified(FileLayer files, Path directory) throws IOException {
    Path metadataFile = directory.resolve(CheckpointLayout.METADATA);
    if (!files.exists(metadataFile)) {
      throw new CorruptFileException(metadataFile, "missing: " + directory + " is not a complete checkpoint or savepoint");
    }
    CheckpointFiles.verify(files, metadataFile, MetadataFormat.MAGIC, MetadataFormat.VERSION, null);
    byte[] bytes;
    try (InputStream in = CheckpointFiles.openPayload(files, metadataFile, MetadataFormat.MAGIC, MetadataFormat.VERSION)) {
      bytes = in.readAllBytes();
    }
    CheckpointMetadata metadata = MetadataFormat.decode(bytes, metadataFile);
    for (CheckpointMetadata.Participant p : metadata.participants()) {
      for (CheckpointMetadata.StreamFile stream : p.keyedStreams()) {
        verifyListed(files, directory, stream.file(), CheckpointLayout.STREAM_MAGIC, CheckpointLayout.STREAM_VERSION);
      }
      verifyListed(files, directory, p.operatorState(), OperatorStateFormat.MAGIC, OperatorStateFormat.VERSION);
    }
    return metadata;
  }

  private static void verifyListed(FileLayer files, Path directory, StoredFile expected, int magic, int version)
      throws IOException {
    Path file = directory.resolve(expected.name());
    if (!files.exists(file)) {
      throw new CorruptFileException(file, "missing, but listed in the metadata");
    }
    CheckpointFiles.verify(files, file, magic, version, expected);
  }

  /** Deletes every entry of {@code directory}, then the directory. */
  public static void deleteDirectory(FileLayer files, Path directory) throws IOException {
    if (!files.exists(directory)) {
      return;
    }
    for (Path entry : files.list(directory)) {
      files.delete(entry);
    }
    files.delete(directory);
  }
}
