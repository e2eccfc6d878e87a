package dev.cairn.checkpoint.hdfs;

import dev.cairn.checkpoint.storage.StorageRetry;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import org.apache.hadoop.ipc.RemoteException;

/**
 * Cairn's retry policy for HDFS calls ({@link StorageRetry}), on top of the Hadoop client's own IPC retries (which a
 * deployment tunes with {@code ipc.client.connect.max.retries} and friends): up to {@code maxAttempts}
 * attempts of a call that failed transiently — no connection or a lost one (connection refused or
 * reset, a socket timeout, an unexpected end of stream), or a NameNode that asks to be retried (in
 * safe mode, standby during a failover, {@code RetriableException}) — after a backoff that starts at
 * {@code initialBackoff} and doubles up to {@code maxBackoff}, each wait a random half to whole of it.
 * Every retry is logged at WARN with the operation, the path and the cause; giving up throws an
 * {@link IOException} naming them and the number of attempts. Anything else (a missing file, an
 * existing one, a permission error) is not retried.
 */
final class HdfsRetry {

  /** Server-side exceptions (as named by {@link RemoteException#getClassName()}) worth retrying. */
  private static final Set<String> RETRIABLE_REMOTE = Set.of(
      "org.apache.hadoop.ipc.RetriableException",
      "org.apache.hadoop.ipc.StandbyException",
      "org.apache.hadoop.hdfs.server.namenode.SafeModeException",
      "org.apache.hadoop.ipc.RetryException",
      "org.apache.hadoop.hdfs.server.namenode.NotReplicatedYetException");

  private HdfsRetry() {}

  /** The policy: {@link StorageRetry} with {@link #isTransient}, logged as the HDFS storage. */
  static StorageRetry policy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    return new StorageRetry(maxAttempts, initialBackoff, maxBackoff, HdfsRetry::isTransient, HdfsCheckpointStorage.class);
  }

  /** Whether a failure may go away by itself: a lost connection, or a NameNode asking to be retried. */
  static boolean isTransient(Throwable e) {
    if (e instanceof RemoteException remote) {
      return RETRIABLE_REMOTE.contains(remote.getClassName());
    }
    String name = e.getClass().getName();
    if (RETRIABLE_REMOTE.contains(name)) {
      return true;
    }
    return e instanceof ConnectException || e instanceof NoRouteToHostException || e instanceof SocketTimeoutException
        || (e instanceof SocketException && !(e.getCause() instanceof java.nio.channels.ClosedByInterruptException))
        || e instanceof EOFException
        || (e instanceof IOException && e.getCause() != null && e.getCause() != e && isTransient(e.getCause()));
  }
}
