package dev.cairn.checkpoint.internal;

import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.checkpoint.storage.CorruptFileException;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.SnapshotInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One participant's stored keyed snapshot, read back through the snapshot SPI. Every entry is
 * verified as it is read (framing, size and CRC32C against the metadata): one read per file.
 */
public final class FileSnapshotInput implements SnapshotInput {

  private final CheckpointStorage directory;
  private final CheckpointStorage job;
  private final CheckpointMetadata.Participant participant;
  private final boolean claim;
  private final String description;
  private final Map<String, StoredFile> files = new LinkedHashMap<>();
  private final List<String> opened = new ArrayList<>();

  /**
   * @param directory the checkpoint's or savepoint's directory (private files)
   * @param job the job directory the checkpoint belongs to (shared files)
   * @param participant the participant's part of the metadata
   * @param claim whether shared entries hand out their handles (a restore in claim mode)
   * @param description names the checkpoint and participant in error messages
   */
  public FileSnapshotInput(
      CheckpointStorage directory, CheckpointStorage job, CheckpointMetadata.Participant participant, boolean claim,
      String description) {
    this.directory = directory;
    this.job = job;
    this.participant = participant;
    this.claim = claim;
    this.description = description;
    for (CheckpointMetadata.Entry e : participant.entries()) {
      files.put(e.name(), e.file());
    }
  }

  @Override
  public String format() {
    return participant.format();
  }

  @Override
  public Set<String> streamNames() {
    return files.keySet();
  }

  @Override
  public InputStream openStream(String name) throws IOException {
    StoredFile file = files.get(name);
    if (file == null) {
      throw new SnapshotException(description + " has no entry '" + name + "'");
    }
    synchronized (opened) {
      opened.add(name);
    }
    return CheckpointFiles.openVerified(storageOf(file), file.path(), CheckpointLayout.STREAM_MAGIC,
        CheckpointLayout.STREAM_VERSION, file, Long.MAX_VALUE);
  }

  private CheckpointStorage storageOf(StoredFile file) {
    return file.shared() ? job : directory;
  }

  @Override
  public Optional<SharedFileHandle> sharedHandle(String name) {
    StoredFile file = files.get(name);
    if (!claim || file == null || !file.shared()) {
      return Optional.empty();
    }
    return Optional.of(new SharedFileHandle(file.path(), file.size(), file.crc32c()));
  }

  @Override
  public String description() {
    return description;
  }

  /**
   * After a restore failed: reads every entry the backend opened to its end, and returns the first
   * damaged one's error, so the failure can name the file. Null if they all verify.
   */
  public CorruptFileException findDamage() {
    List<String> names;
    synchronized (opened) {
      names = List.copyOf(opened);
    }
    for (String name : names) {
      StoredFile file = files.get(name);
      try (InputStream in = CheckpointFiles.openVerified(storageOf(file), file.path(), CheckpointLayout.STREAM_MAGIC,
          CheckpointLayout.STREAM_VERSION, file, Long.MAX_VALUE)) {
        in.transferTo(OutputStream.nullOutputStream());
      } catch (CorruptFileException e) {
        return e;
      } catch (IOException e) {
        return new CorruptFileException(storageOf(file).describe(file.path()), "unreadable: " + e.getMessage(), e);
      }
    }
    return null;
  }

  /** Verifies every entry now (the opt-in check before a fallback restore). */
  public void verifyAll() throws IOException {
    for (StoredFile file : files.values()) {
      CheckpointFiles.verify(storageOf(file), file.path(), CheckpointLayout.STREAM_MAGIC,
          CheckpointLayout.STREAM_VERSION, file);
    }
  }
}
