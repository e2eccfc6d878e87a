package dev.cairn.checkpoint;

import dev.cairn.checkpoint.s3.S3ProxyServer;

/**
 * The checkpoint conformance contract on S3 (s3proxy in this JVM), reached by {@code s3://} URIs
 * through {@code CheckpointCoordinator.builder(String)} and the service loader.
 */
class S3StorageConformanceTest extends StorageConformanceContract {

  @Override
  protected String location(String name) {
    S3ProxyServer.credentialProperties();
    return S3ProxyServer.get().location("conformance/" + name);
  }
}
