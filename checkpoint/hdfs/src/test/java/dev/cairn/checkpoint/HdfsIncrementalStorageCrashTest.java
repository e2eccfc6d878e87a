package dev.cairn.checkpoint;

import java.util.List;

/**
 * Incremental checkpoints of the heap backend (shared files, retention) on HDFS, halted before every
 * few storage operations ({@link HdfsCrashContract}).
 */
class HdfsIncrementalStorageCrashTest extends HdfsCrashContract {

  @Override
  protected List<String> variants() {
    return List.of("heap-incremental");
  }

  @Override
  protected int stride(String variant) {
    return 6;
  }
}
