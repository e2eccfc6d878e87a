package dev.cairn.checkpoint.storage;

import dev.cairn.state.spi.SnapshotOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The {@link SnapshotOutput} of one participant in one checkpoint directory: each stream becomes the
 * framed file {@code task-<index>.<stream>}, committed when the backend closes it. Writes fail fast
 * once {@code cancelled} says the checkpoint was aborted. Used by one thread.
 */
public final class FileSnapshotOutput implements SnapshotOutput {

  /** The stream name reserved for operator state. */
  public static final String OPERATOR_STATE_STREAM = "operator-state";

  private final FileLayer files;
  private final Path directory;
  private final int index;
  private final BooleanSupplier cancelled;
  private final Set<String> names = new HashSet<>();
  private final List<Entry> streams = new ArrayList<>();

  private record Entry(String streamName, CheckpointFiles.FramedOutputStream out) {}

  /**
   * @param files the file layer
   * @param directory the checkpoint or savepoint directory
   * @param index the participant's index
   * @param cancelled polled on every write; true aborts the write with an IOException
   */
  public FileSnapshotOutput(FileLayer files, Path directory, int index, BooleanSupplier cancelled) {
    this.files = files;
    this.directory = directory;
    this.index = index;
    this.cancelled = cancelled;
  }

  @Override
  public OutputStream createStream(String name) throws IOException {
    if (!CheckpointLayout.isValidStreamName(name) || OPERATOR_STATE_STREAM.equals(name)) {
      throw new IllegalArgumentException("invalid or reserved stream name '" + name + "'");
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("stream '" + name + "' created twice");
    }
    checkCancelled();
    Path target = directory.resolve(CheckpointLayout.streamFileName(index, name));
    CheckpointFiles.FramedOutputStream out =
        CheckpointFiles.create(files, target, CheckpointLayout.STREAM_MAGIC, CheckpointLayout.STREAM_VERSION);
    streams.add(new Entry(name, out));
    return new OutputStream() {
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

  @Override
  public dev.cairn.state.spi.SharedFileHandle writeShared(String name, ContentWriter content) throws IOException {
    throw new IOException("format v1 stores no shared file");
  }

  @Override
  public void referenceShared(String name, dev.cairn.state.spi.SharedFileHandle handle) throws IOException {
    throw new IOException("format v1 stores no shared file");
  }

  private void checkCancelled() throws IOException {
    if (cancelled.getAsBoolean()) {
      throw new IOException("checkpoint aborted while writing " + directory);
    }
  }

  /**
   * Returns the committed streams.
   *
   * @throws IOException if a stream was created but not committed (the backend did not close it)
   */
  public List<CheckpointMetadata.StreamFile> committedStreams() throws IOException {
    List<CheckpointMetadata.StreamFile> result = new ArrayList<>(streams.size());
    for (Entry e : streams) {
      StoredFile file = e.out().committed();
      if (file == null) {
        throw new IOException("stream '" + e.streamName() + "' was not closed by the backend");
      }
      result.add(new CheckpointMetadata.StreamFile(e.streamName(), file));
    }
    return result;
  }

  /** Abandons every stream not committed yet, deleting its temporary file. */
  public void abortUncommitted(Throwable cause) {
    for (Entry e : streams) {
      e.out().abort(cause);
    }
  }
}
