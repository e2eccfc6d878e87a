package dev.cairn.checkpoint;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage conformance contract on the local directory storage, reached by plain paths through
 * {@code CheckpointCoordinator.builder(String)}: the same tests the S3 module runs against s3proxy.
 */
class LocalStorageConformanceTest extends StorageConformanceContract {

  @TempDir Path dir;

  @Override
  protected String location(String name) {
    return dir.resolve(name).toString();
  }
}
