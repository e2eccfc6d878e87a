package dev.cairn.checkpoint.s3;

import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.checkpoint.storage.CheckpointStorageContract;

/**
 * The storage SPI contract against a real S3 server (s3proxy in this JVM): objects of more than one
 * part (multipart uploads), more than one page of listing, and the metadata commit raced by two
 * clients.
 */
class S3CheckpointStorageContractTest extends CheckpointStorageContract {

  @Override
  protected CheckpointStorage open(String name) {
    return S3ProxyServer.get().storage("contract/" + name);
  }

  @Override
  protected int largeObjectBytes() {
    return 2 * 8 * 1024 * 1024 + 1; // three parts of the default 8 MiB
  }

  @Override
  protected int manyObjects() {
    return 1_050; // more than one page of ListObjectsV2
  }
}
