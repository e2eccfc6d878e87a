package dev.cairn.checkpoint;

import dev.cairn.checkpoint.hdfs.HdfsTestCluster;

/**
 * {@link StorageCrashContract} on HDFS (MiniDFSCluster in this JVM): a child JVM halted before storage
 * operations in turn — every {@link #stride}-th one, from an offset that changes per run, so that runs
 * together cover each ({@code -Dcairn.crash.stride=1} takes every one in one run). Each restart takes
 * the killed holder's lease once the NameNode's soft limit (6 s here) has run out, then must find only
 * complete checkpoints and restore exactly.
 */
abstract class HdfsCrashContract extends StorageCrashContract {

  @Override
  protected String location(String name) {
    return HdfsTestCluster.get().location("crash/" + name);
  }
}
