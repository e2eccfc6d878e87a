package dev.cairn.checkpoint.hdfs;

import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.checkpoint.storage.CheckpointStorageFactory;
import java.io.IOException;
import java.net.URI;

/**
 * Serves {@code hdfs://namenode:port/path[?options]} for {@link CheckpointStorage#forLocation(String)}:
 * an {@link HdfsCheckpointStorage#at(URI)}. Registered in {@code META-INF/services}.
 */
public final class HdfsCheckpointStorageFactory implements CheckpointStorageFactory {

  /** Creates the factory (the service loader does). */
  public HdfsCheckpointStorageFactory() {}

  @Override
  public String scheme() {
    return "hdfs";
  }

  @Override
  public CheckpointStorage create(URI location) throws IOException {
    return HdfsCheckpointStorage.at(location);
  }
}
