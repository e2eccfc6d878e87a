package dev.cairn.checkpoint.hdfs;

import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.checkpoint.storage.CheckpointStorageContract;
import java.io.IOException;
import java.net.URI;

/**
 * The storage SPI contract against a real HDFS (MiniDFSCluster in this JVM): objects of several blocks
 * (1 MiB blocks here), and the metadata commit raced by two clients.
 */
class HdfsCheckpointStorageContractTest extends CheckpointStorageContract {

  @Override
  protected CheckpointStorage open(String name) throws IOException {
    return HdfsCheckpointStorage.at(URI.create(HdfsTestCluster.get().location("contract/" + name) + "&dfs.blocksize=1048576"));
  }

  @Override
  protected int largeObjectBytes() {
    return 2 * 1024 * 1024 + 1; // three blocks of 1 MiB
  }
}
