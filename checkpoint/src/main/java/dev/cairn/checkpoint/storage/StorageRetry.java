package dev.cairn.checkpoint.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded retry policy that remote {@link CheckpointStorage} implementations share: up to {@code
 * maxAttempts} attempts of a request that failed transiently (as the storage's predicate judges it),
 * after a backoff that starts at {@code initialBackoff} and doubles up to {@code maxBackoff}, each wait a
 * random half to whole of it (jitter). Every retry is logged at WARN with the operation, the object and
 * the cause; giving up throws an {@link IOException} naming them and the number of attempts. A
 * non-transient failure, and an interruption, is rethrown as it is.
 */
public final class StorageRetry {

  /** One request to the storage. */
  @FunctionalInterface
  public interface Request<T> {
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
  private final Predicate<Throwable> isTransient;
  private final Logger log;

  /**
   * @param isTransient whether a failure may go away by itself (a lost connection, throttling)
   * @param logAs the class whose logger reports the retries (the storage's)
   * @throws IllegalArgumentException if {@code maxAttempts < 1} or not {@code 0 <= initialBackoff <= maxBackoff}
   */
  public StorageRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Predicate<Throwable> isTransient,
      Class<?> logAs) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be at least 1, not " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 0 <= initial (" + initialBackoff + ") <= max (" + maxBackoff + ")");
    }
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.isTransient = isTransient;
    this.log = LoggerFactory.getLogger(logAs);
  }

  /** Returns the most attempts a request gets. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Runs {@code request}, retrying transient failures.
   *
   * @param operation what is done, for messages ("PUT", "rename", ...)
   * @param where the object or path, for messages
   * @throws IOException naming the operation, the object and the attempts when it gives up; a
   *     non-transient failure (checked or not) is rethrown as it is, for the caller to translate
   */
  public <T> T call(String operation, String where, Request<T> request) throws IOException {
    long backoffMillis = initialBackoff.toMillis();
    for (int attempt = 1; ; attempt++) {
      try {
        return request.run(attempt);
      } catch (IOException | RuntimeException e) {
        if (e instanceof InterruptedIOException || !isTransient.test(e)) {
          throw e;
        }
        if (attempt >= maxAttempts) {
          throw new IOException(operation + " " + where + " failed after " + attempt + " attempt(s): " + e, e);
        }
        long sleep = backoffMillis == 0 ? 0 : ThreadLocalRandom.current().nextLong(backoffMillis / 2, backoffMillis + 1);
        log.warn("{} {} failed (attempt {} of {}), retrying in {} ms: {}", operation, where, attempt, maxAttempts, sleep,
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
