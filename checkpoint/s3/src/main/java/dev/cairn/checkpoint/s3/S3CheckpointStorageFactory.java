package dev.cairn.checkpoint.s3;

import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.checkpoint.storage.CheckpointStorageFactory;
import java.net.URI;

/**
 * Serves {@code s3://bucket/prefix[?options]} for {@link CheckpointStorage#forLocation(String)}: an
 * {@link S3CheckpointStorage#at(URI)}. Registered in {@code META-INF/services}.
 */
public final class S3CheckpointStorageFactory implements CheckpointStorageFactory {

  /** Creates the factory (the service loader does). */
  public S3CheckpointStorageFactory() {}

  @Override
  public String scheme() {
    return "s3";
  }

  @Override
  public CheckpointStorage create(URI location) {
    return S3CheckpointStorage.at(location);
  }
}
