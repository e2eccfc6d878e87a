package dev.cairn.checkpoint;

import dev.cairn.checkpoint.s3.S3ProxyServer;
import java.util.List;

/**
 * A child JVM writing incremental checkpoints of the heap backend (shared objects, retention) to S3 (s3proxy in this JVM) halted before
 * storage operations in turn — every fourth one, from an offset that changes per run, so that runs
 * together cover each ({@code -Dcairn.crash.stride=1} takes every one in one run). Each restart waits
 * for the killed holder's lease to run out (3 s + 0.1 s skew here), then must find only complete
 * checkpoints and restore exactly. {@link S3StorageCrashTest} does full checkpoints.
 */
class S3IncrementalStorageCrashTest extends StorageCrashContract {

  @Override
  protected String location(String name) {
    S3ProxyServer.credentialProperties(); // for the restarts in this JVM
    return S3ProxyServer.get().location("crash/" + name, S3ProxyServer.CRASH_LEASE);
  }

  @Override
  protected List<String> childJvmOptions() {
    return S3ProxyServer.credentialProperties();
  }

  @Override
  protected List<String> variants() {
    return List.of("heap-incremental");
  }

  @Override
  protected int stride(String variant) {
    return 4;
  }

  @Override
  protected boolean isServerArtifact(String name) {
    return S3ProxyServer.isUploadInProgress(name);
  }
}
