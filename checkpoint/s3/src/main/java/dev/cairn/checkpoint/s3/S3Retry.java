package dev.cairn.checkpoint.s3;

import dev.cairn.checkpoint.storage.StorageRetry;
import java.io.IOException;
import java.time.Duration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Cairn's one retry policy for S3 requests (the SDK's own retries are switched off, so there is exactly
 * one bounded policy, {@link StorageRetry}): up to {@code maxAttempts} attempts of a request that failed transiently — no
 * response (connection refused or reset, a timeout), HTTP 500, 502, 503, 504 or 429, or S3's
 * {@code SlowDown} / {@code InternalError} — after a backoff that starts at {@code initialBackoff}
 * and doubles up to {@code maxBackoff}, each wait a random half to whole of it (jitter). Every retry is logged at WARN with the operation, the
 * object's URI and the cause; giving up throws an {@link IOException} naming them and the number of
 * attempts. Anything else (403, 404, 412, a malformed request) is not retried.
 */
final class S3Retry {

  private S3Retry() {}

  /** The policy: {@link StorageRetry} with {@link #isTransient}, logged as the S3 storage. */
  static StorageRetry policy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    return new StorageRetry(maxAttempts, initialBackoff, maxBackoff, S3Retry::isTransient, S3CheckpointStorage.class);
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
}
