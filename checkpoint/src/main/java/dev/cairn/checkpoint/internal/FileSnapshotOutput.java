package dev.cairn.checkpoint.internal;

import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.SnapshotOutput;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The {@link SnapshotOutput} of one participant in one checkpoint or savepoint. A private entry
 * becomes the framed file {@code task-<index>.<entry>} in the checkpoint's directory, committed when
 * the backend closes it. A shared entry of a checkpoint becomes a framed file in the job's {@code
 * shared/} directory, registered with the {@link JobStore} as the pending checkpoint's so that an
 * abort removes it; a reference is checked against the retained checkpoints and pinned. A savepoint
 * is self-contained: its shared entries are stored as private files and it references nothing.
 * Writes fail fast once {@code cancelled} says the checkpoint was aborted. Used by one thread.
 */
public final class FileSnapshotOutput implements SnapshotOutput {

  private final CheckpointStorage directory;
  private final JobStore job;
  private final long checkpointId;
  private final int index;
  private final BooleanSupplier cancelled;
  private final Set<String> names = new HashSet<>();
  private final List<Pending> entries = new ArrayList<>();
  private long bytesWritten;

  /** An entry: committed (file set) or a private stream still being written. */
  private static final class Pending {
    final String name;
    final CheckpointFiles.FramedOutputStream out;
    StoredFile file;

    Pending(String name, CheckpointFiles.FramedOutputStream out, StoredFile file) {
      this.name = name;
      this.out = out;
      this.file = file;
    }
  }

  /**
   * @param directory the checkpoint's or savepoint's directory
   * @param job the job's store for shared files, or null for a savepoint
   * @param checkpointId the checkpoint's id
   * @param index the participant's index
   * @param cancelled polled on every write; true aborts the write with an IOException
   */
  public FileSnapshotOutput(
      CheckpointStorage directory, JobStore job, long checkpointId, int index, BooleanSupplier cancelled) {
    this.directory = directory;
    this.job = job;
    this.checkpointId = checkpointId;
    this.index = index;
    this.cancelled = cancelled;
  }

  private void claim(String name) {
    if (!CheckpointLayout.isValidEntryName(name) || CheckpointLayout.OPERATOR_STATE_ENTRY.equals(name)) {
      throw new IllegalArgumentException("invalid or reserved entry name '" + name + "'");
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("entry '" + name + "' created twice");
    }
  }

  @Override
  public OutputStream createStream(String name) throws IOException {
    claim(name);
    checkCancelled();
    CheckpointFiles.FramedOutputStream out = CheckpointFiles.create(directory,
        CheckpointLayout.privateFileName(index, name), CheckpointLayout.STREAM_MAGIC, CheckpointLayout.STREAM_VERSION);
    entries.add(new Pending(name, out, null));
    return cancellable(out);
  }

  @Override
  public SharedFileHandle writeShared(String name, ContentWriter content) throws IOException {
    claim(name);
    checkCancelled();
    CheckpointStorage target;
    String path;
    if (job == null) { // a savepoint: self-contained
      target = directory;
      path = CheckpointLayout.privateFileName(index, name);
    } else {
      target = job.storage();
      path = CheckpointLayout.newSharedFileName(checkpointId, name);
      job.sharedFileWritten(checkpointId, path); // before it exists: an abort removes it whatever happens next
    }
    CheckpointFiles.FramedOutputStream out = job == null
        ? CheckpointFiles.create(target, path, CheckpointLayout.STREAM_MAGIC, CheckpointLayout.STREAM_VERSION)
        : CheckpointFiles.createShared(target, path, CheckpointLayout.STREAM_MAGIC, CheckpointLayout.STREAM_VERSION);
    StoredFile file;
    try {
      content.write(cancellable(out));
      file = out.commit();
    } catch (IOException | RuntimeException e) {
      out.abort();
      throw e;
    }
    entries.add(new Pending(name, null, file));
    bytesWritten += file.size();
    return new SharedFileHandle(path, file.size(), file.crc32c());
  }

  @Override
  public void referenceShared(String name, SharedFileHandle handle) {
    if (job == null) {
      throw new IllegalArgumentException("a savepoint is self-contained: it cannot reference shared file " + handle);
    }
    claim(name);
    entries.add(new Pending(name, null, job.reference(checkpointId, handle)));
  }

  private OutputStream cancellable(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        checkCancelled();
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        checkCancelled();
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        checkCancelled();
        out.close();
      }
    };
  }

  private void checkCancelled() throws IOException {
    if (cancelled.getAsBoolean()) {
      throw new IOException("checkpoint " + checkpointId + " aborted while writing " + directory.describe(""));
    }
  }

  /**
   * Returns the entries, in the order they were created.
   *
   * @throws IOException if a private stream was created but not committed (the backend did not close it)
   */
  public List<CheckpointMetadata.Entry> entries() throws IOException {
    List<CheckpointMetadata.Entry> result = new ArrayList<>(entries.size());
    for (Pending e : entries) {
      StoredFile file = e.file != null ? e.file : e.out.committed();
      if (file == null) {
        throw new IOException("stream '" + e.name + "' was not closed by the backend");
      }
      if (e.file == null) {
        bytesWritten += file.size();
        e.file = file;
      }
      result.add(new CheckpointMetadata.Entry(e.name, file));
    }
    return result;
  }

  /** Returns the bytes this output wrote (private and new shared files; references cost nothing). */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** Abandons every private stream not committed yet. */
  public void abortUncommitted() {
    for (Pending e : entries) {
      if (e.out != null) {
        e.out.abort();
      }
    }
  }
}
