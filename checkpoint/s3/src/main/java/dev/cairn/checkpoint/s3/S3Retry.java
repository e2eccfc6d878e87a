package dev.cairn.checkpoint.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Cairn's one retry policy for S3 requests (the SDK's own retries are switched off, so there is exactly
 * one bounded policy): up to {@code maxAttempts} attempts of a request that failed transiently — no
 * response (connection refused or reset, a timeout), HTTP 500, 502, 503, 504 or 429, or S3's
 * {@code SlowDown} / {@code InternalError} — after a backoff that starts at {@code initialBackoff}
 * and doubles up to {@code maxBackoff}, each wait a random half to whole of it (jitter). Every retry is logged at WARN with the operation, the
 * object's URI and the cause; giving up throws an {@link IOException} naming them and the number of
 * attempts. Anything else (403, 404, 412, a malformed request) is not retried.
 */
final class S3Retry {

  private static final Logger LOG = LoggerFactory.getLogger(S3CheckpointStorage.class);

  /** A request to S3; any exception it throws is judged by {@link #isTransient}. */
  @FunctionalInterface
  interface Request<T> {
    /**
     * Runs one attempt.
     *
     * @param attempt 1 for the first, so that a non-idempotent request can tell a retry apart
     */
    T run(int attempt) throws IOException;
  }

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  S3Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
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

  int maxAttempts() {
    return maxAttempts;
  }

  /** Whether a failure may go away by itself: no response at all, throttling or a server error. */
  static boolean isTransient(Throwable e) {
    if (e instanceof S3Exception s3) {
      int status = s3.statusCode();
      String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
      return status == 429 || status == 500 || status == 502 || status == 503 || status == 504
          || "SlowDown".equals(code) || "InternalError".equals(code) || "RequestTimeout".equals(code);
    }
    if (e instanceof SdkClientException) {
      return true; // no (complete) response: I/O error, timeout
    }
    return e instanceof IOException && !(e instanceof java.nio.file.FileSystemException);
  }

  /**
   * Runs {@code request}, retrying transient failures.
   *
   * @param operation what is done, for messages ("PUT", "GET", ...)
   * @param uri the object's {@code s3://bucket/key}, for messages
   * @throws IOException naming the operation, the object and the attempts when it gives up; a
   *     non-transient {@link SdkException} is rethrown as it is (the caller translates 404 and 412)
   */
  <T> T call(String operation, String uri, Request<T> request) throws IOException {
    long backoffMillis = initialBackoff.toMillis();
    for (int attempt = 1; ; attempt++) {
      try {
        return request.run(attempt);
      } catch (SdkException | IOException e) {
        if (!isTransient(e)) {
          throw e;
        }
        if (attempt >= maxAttempts) {
          throw new IOException(operation + " " + uri + " failed after " + attempt + " attempt(s): " + e.getMessage(), e);
        }
        long sleep = backoffMillis == 0 ? 0 : ThreadLocalRandom.current().nextLong(backoffMillis / 2, backoffMillis + 1);
        LOG.warn("{} {} failed (attempt {} of {}), retrying in {} ms: {}", operation, uri, attempt, maxAttempts, sleep,
            e.toString());
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          InterruptedIOException interrupted = new InterruptedIOException("interrupted while retrying " + operation + " " + uri);
          interrupted.initCause(e);
          throw interrupted;
        }
        backoffMillis = Math.min(maxBackoff.toMillis(), Math.max(1, backoffMillis * 2));
      }
    }
  }
}
