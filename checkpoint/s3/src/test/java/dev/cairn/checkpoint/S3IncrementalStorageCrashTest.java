package dev.cairn.checkpoint;

import java.util.List;

/**
 * Incremental checkpoints of the heap backend (shared objects, retention) on S3, halted before every
 * fourth storage operation ({@link S3CrashContract}).
 */
class S3IncrementalStorageCrashTest extends S3CrashContract {

  @Override
  protected List<String> variants() {
    return List.of("heap-incremental");
  }

  @Override
  protected int stride(String variant) {
    return 4;
  }
}
