package dev.cairn.checkpoint;

import dev.cairn.checkpoint.s3.S3ProxyServer;
import java.util.List;

/**
 * {@link StorageCrashContract} on S3 (s3proxy in this JVM): a child JVM halted before storage
 * operations in turn — every {@link #stride}-th one, from an offset that changes per run, so that runs
 * together cover each ({@code -Dcairn.crash.stride=1} takes every one in one run). Each restart waits
 * for the killed holder's lease to run out (3 s + 0.1 s skew here), then must find only complete
 * checkpoints and restore exactly.
 */
abstract class S3CrashContract extends StorageCrashContract {

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
  protected boolean isServerArtifact(String name) {
    return S3ProxyServer.isUploadInProgress(name);
  }
}
