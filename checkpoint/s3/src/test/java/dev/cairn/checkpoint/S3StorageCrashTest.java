package dev.cairn.checkpoint;

import java.util.List;

/** Full checkpoints of the heap backend on S3, halted before every second storage operation ({@link S3CrashContract}). */
class S3StorageCrashTest extends S3CrashContract {

  @Override
  protected List<String> variants() {
    return List.of("heap");
  }

  @Override
  protected int stride(String variant) {
    return 2;
  }
}
