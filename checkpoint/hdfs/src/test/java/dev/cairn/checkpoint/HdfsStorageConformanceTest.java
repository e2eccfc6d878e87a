package dev.cairn.checkpoint;

import dev.cairn.checkpoint.hdfs.HdfsTestCluster;

/**
 * The checkpoint conformance contract on HDFS (MiniDFSCluster in this JVM), reached by {@code hdfs://}
 * URIs through {@code CheckpointCoordinator.builder(String)} and the service loader.
 */
class HdfsStorageConformanceTest extends StorageConformanceContract {

  @Override
  protected String location(String name) {
    return HdfsTestCluster.get().location("conformance/" + name);
  }
}
