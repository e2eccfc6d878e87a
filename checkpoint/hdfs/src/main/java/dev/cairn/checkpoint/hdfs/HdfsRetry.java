package dev.cairn.checkpoint.hdfs;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.ipc.RemoteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cairn's retry policy for HDFS calls, on top of the Hadoop client's own IPC retries (which a
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

  private static final Logger LOG = LoggerFactory.getLogger(HdfsCheckpointStorage.class);

  /** Server-side exceptions (as named by {@link RemoteException#getClassName()}) worth retrying. */
  private static final Set<String> RETRIABLE_REMOTE = Set.of(
      "org.apache.hadoop.ipc.RetriableException",
      "org.apache.hadoop.ipc.StandbyException",
      "org.apache.hadoop.hdfs.server.namenode.SafeModeException",
      "org.apache.hadoop.ipc.RetryException",
      "org.apache.hadoop.hdfs.server.namenode.NotReplicatedYetException");

  /** One call to HDFS. */
  @FunctionalInterface
  interface Call<T> {
    /**
     * Runs one attempt.
     *
     * @param attempt 1 for the first, so that a non-idempotent call can tell a retry apart
     */
    T run(int attempt) throws IOException;
  }

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  HdfsRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be at least 1, not " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 0 <= initial (" + initialBackoff + ") <= max (" + maxBackoff + ")");
    }
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
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

  /**
   * Runs {@code call}, retrying transient failures.
   *
   * @param operation what is done, for messages ("create", "rename", ...)
   * @param where the path, for messages
   * @throws IOException naming the operation, the path and the attempts when it gives up; a
   *     non-transient failure is rethrown as it is (the caller translates the missing and the existing)
   */
  <T> T call(String operation, String where, Call<T> call) throws IOException {
    long backoffMillis = initialBackoff.toMillis();
    for (int attempt = 1; ; attempt++) {
      try {
        return call.run(attempt);
      } catch (IOException e) {
        if (e instanceof InterruptedIOException || !isTransient(e)) {
          throw e;
        }
        if (attempt >= maxAttempts) {
          throw new IOException(operation + " " + where + " failed after " + attempt + " attempt(s): " + e, e);
        }
        long sleep = backoffMillis == 0 ? 0 : ThreadLocalRandom.current().nextLong(backoffMillis / 2, backoffMillis + 1);
        LOG.warn("{} {} failed (attempt {} of {}), retrying in {} ms: {}", operation, where, attempt, maxAttempts, sleep,
            e.toString());
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          InterruptedIOException interrupted = new InterruptedIOException("interrupted while retrying " + operation + " " + where);
          interrupted.initCause(e);
          throw interrupted;
        }
        backoffMillis = Math.min(maxBackoff.toMillis(), Math.max(1, backoffMillis * 2));
      }
    }
  }
}
