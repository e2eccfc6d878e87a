package dev.cairn.checkpoint.storage;

import dev.cairn.state.SnapshotException;
import dev.cairn.state.spi.SnapshotInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One participant's stored keyed-state streams, read back through the snapshot SPI. */
public final class FileSnapshotInput implements SnapshotInput {

  private final FileLayer files;
  private final Path directory;
  private final Map<String, String> fileByStream = new LinkedHashMap<>();
  private final String description;

  /**
   * @param files the file layer
   * @param directory the checkpoint or savepoint directory
   * @param streams the participant's streams, from the metadata (already verified)
   * @param description names the checkpoint and participant in error messages
   */
  public FileSnapshotInput(FileLayer files, Path directory, List<CheckpointMetadata.StreamFile> streams, String description) {
    this.files = files;
    this.directory = directory;
    this.description = description;
    for (CheckpointMetadata.StreamFile s : streams) {
      fileByStream.put(s.streamName(), s.file().name());
    }
  }

  @Override
  public String format() {
    return dev.cairn.state.spi.KeyedSnapshotFormat.FORMAT;
  }

  @Override
  public java.util.Optional<dev.cairn.state.spi.SharedFileHandle> sharedHandle(String name) {
    return java.util.Optional.empty();
  }

  @Override
  public Set<String> streamNames() {
    return fileByStream.keySet();
  }

  @Override
  public InputStream openStream(String name) throws IOException {
    String file = fileByStream.get(name);
    if (file == null) {
      throw new SnapshotException(description + " has no stream '" + name + "'");
    }
    return CheckpointFiles.openPayload(
        files, directory.resolve(file), CheckpointLayout.STREAM_MAGIC, CheckpointLayout.STREAM_VERSION);
  }

  @Override
  public String description() {
    return description;
  }
}
