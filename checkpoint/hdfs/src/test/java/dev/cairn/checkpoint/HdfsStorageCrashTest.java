package dev.cairn.checkpoint;

import java.util.List;

/** Full checkpoints of the heap backend on HDFS, halted before every few storage operations ({@link HdfsCrashContract}). */
class HdfsStorageCrashTest extends HdfsCrashContract {

  @Override
  protected List<String> variants() {
    return List.of("heap");
  }

  @Override
  protected int stride(String variant) {
    return 4;
  }
}
