package dev.cairn.checkpoint.s3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease of one job prefix, held by one coordinator across machines: the object {@code _lock}
 * holding {@code owner} and {@code expires} (wall-clock epoch milliseconds), written only with
 * conditional requests, so that exactly one of two racing writers wins each step.
 *
 * <ul>
 *   <li><b>Take</b>: create it with {@code If-None-Match: *}. If it exists, read it (with its ETag): a
 *       released lease ({@code expires=0}), or one whose {@code expires} plus {@code maxClockSkew} has
 *       passed on this machine's clock, is taken over by a write with {@code If-Match: <ETag>}. Otherwise
 *       the taker waits: if the holder renews it (the ETag changes), another live coordinator holds it
 *       and taking fails; if it runs out, it is taken over. So a coordinator restarted after a crash waits
 *       at most {@code duration + maxClockSkew}, and one started next to a live coordinator fails after at
 *       most one renewal interval.
 *   <li><b>Renew</b>: every {@code duration / 4}, a write with {@code If-Match: <our ETag>} moves {@code
 *       expires} to now + {@code duration}. A 412 means another coordinator took it over: the lease is
 *       lost for good. A failed renewal (S3 unreachable) is retried at the next interval.
 *   <li><b>Validity</b>: the holder uses the lease (commits metadata, deletes objects) only until
 *       {@code duration - duration / 4} after the start of its last successful renewal, measured on its
 *       monotonic clock; after that, or once lost, every mutating call of the storage fails with an
 *       {@link IOException} naming the lease. A taker takes over only after {@code expires +
 *       maxClockSkew} on its clock, which is at least {@code duration / 4} later than the holder stops.
 *   <li><b>Release</b> ({@link #close()}): a write of {@code expires=0} with {@code If-Match}, so the next
 *       coordinator takes it at once.
 * </ul>
 *
 * <p>Clock assumptions: the wall clocks of any two machines sharing a job differ by less than {@code
 * maxClockSkew}, and each machine's clock runs at nearly the right rate over one lease duration. A
 * holder stalled (a GC pause, a frozen VM) between its validity check and a request longer than {@code
 * duration / 4} can still write after a taker took over — the known limit of every lease without
 * fencing tokens, which S3 cannot check; the exclusive metadata commit still never lets both commit the
 * same checkpoint.
 */
final class S3Lease implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(S3Lease.class);
  private static final String MAGIC = "cairn-lease-v1";

  /** The conditional writes the lease needs; implemented by the storage over its client. */
  interface Store {
    /** Creates the object if absent; returns its ETag, or null if it exists. */
    String createIfAbsent(byte[] content) throws IOException;

    /** Replaces the object if its ETag is {@code etag}; returns the new ETag, or null if it is not. */
    String replaceIfMatch(byte[] content, String etag) throws IOException;

    /** Reads the object and its ETag; null if it does not exist. */
    Versioned read() throws IOException;

    /** Where the lease object is, for messages. */
    String describe();
  }

  /** The lease object's content and ETag. */
  record Versioned(byte[] content, String etag) {}

  /** A parsed lease object. */
  record Content(String owner, long expiresMillis) {
    byte[] encode() {
      return (MAGIC + "\nowner=" + owner + "\nexpires=" + expiresMillis + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static Content decode(byte[] bytes, String where) throws IOException {
      String text = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.UTF_8);
      String[] lines = text.split("\n");
      if (lines.length < 3 || !lines[0].equals(MAGIC) || !lines[1].startsWith("owner=") || !lines[2].startsWith("expires=")) {
        throw new IOException("lease object " + where + " is not a Cairn lease (" + bytes.length + " bytes);"
            + " delete it only if no coordinator uses this location");
      }
      try {
        return new Content(lines[1].substring(6), Long.parseLong(lines[2].substring(8)));
      } catch (NumberFormatException e) {
        throw new IOException("lease object " + where + " has a malformed expiry: " + lines[2], e);
      }
    }
  }

  private final Store store;
  private final String owner;
  private final Duration duration;
  private final Duration maxClockSkew;
  private final ScheduledExecutorService renewer;
  private final Object lock = new Object();
  private String etag;
  private long validUntilNanos;
  private String lostTo;
  private boolean closed;

  private S3Lease(Store store, String owner, Duration duration, Duration maxClockSkew, String etag, long renewedAtNanos) {
    this.store = store;
    this.owner = owner;
    this.duration = duration;
    this.maxClockSkew = maxClockSkew;
    this.etag = etag;
    this.validUntilNanos = renewedAtNanos + usableNanos();
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cairn-s3-lease-" + store.describe());
      t.setDaemon(true);
      return t;
    });
    long interval = Math.max(1, duration.toMillis() / 4);
    renewer.scheduleWithFixedDelay(this::renew, interval, interval, TimeUnit.MILLISECONDS);
  }

  private long usableNanos() {
    return duration.toNanos() - duration.toNanos() / 4;
  }

  /**
   * Takes the lease, waiting for a lease that is neither renewed nor released to run out.
   *
   * @return the held lease, or null if another live coordinator holds it (it renewed while we waited)
   */
  static S3Lease take(Store store, String owner, Duration duration, Duration maxClockSkew) throws IOException {
    String observedEtag = null;
    while (true) {
      long started = System.nanoTime();
      Content mine = new Content(owner, System.currentTimeMillis() + duration.toMillis());
      String created = store.createIfAbsent(mine.encode());
      if (created != null) {
        LOG.info("Took the lease {} as {}", store.describe(), owner);
        return new S3Lease(store, owner, duration, maxClockSkew, created, started);
      }
      Versioned current = store.read();
      if (current == null) {
        continue; // released and deleted meanwhile: create again
      }
      if (observedEtag != null && !observedEtag.equals(current.etag())) {
        Content other = Content.decode(current.content(), store.describe());
        if (other.expiresMillis() != 0) {
          LOG.warn("Lease {} is held by {}, which renewed it while we waited", store.describe(), other.owner());
          return null;
        }
      }
      Content other = Content.decode(current.content(), store.describe());
      long now = System.currentTimeMillis();
      long free = other.expiresMillis() == 0 ? 0 : other.expiresMillis() + maxClockSkew.toMillis();
      if (now >= free) {
        started = System.nanoTime();
        mine = new Content(owner, System.currentTimeMillis() + duration.toMillis());
        String taken = store.replaceIfMatch(mine.encode(), current.etag());
        if (taken != null) {
          if (other.expiresMillis() != 0) {
            LOG.warn("Took over the lease {} from {}, which let it expire {} ms ago", store.describe(), other.owner(),
                now - other.expiresMillis());
          } else {
            LOG.info("Took the lease {} as {} (released by {})", store.describe(), owner, other.owner());
          }
          return new S3Lease(store, owner, duration, maxClockSkew, taken, started);
        }
        observedEtag = null; // somebody else moved first: look again
        continue;
      }
      observedEtag = current.etag();
      long wait = Math.min(free - now, Math.max(1, duration.toMillis() / 4)) + 1;
      LOG.info("Lease {} is held by {} until {} (+ {} clock skew); waiting {} ms to see whether it is renewed",
          store.describe(), other.owner(), other.expiresMillis(), maxClockSkew, wait);
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for the lease " + store.describe());
      }
    }
  }

  private void renew() {
    String expected;
    synchronized (lock) {
      if (closed || lostTo != null) {
        return;
      }
      expected = etag;
    }
    long started = System.nanoTime();
    try {
      String renewed = store.replaceIfMatch(new Content(owner, System.currentTimeMillis() + duration.toMillis()).encode(), expected);
      if (renewed == null) {
        Versioned now = store.read();
        String holder = now == null ? "nobody (it was deleted)" : Content.decode(now.content(), store.describe()).owner();
        if (holder.equals(owner)) {
          // an earlier renewal whose outcome was unknown (all attempts failed) was applied after all:
          // nobody else wrote it (a taker writes its own id), so it is still ours
          synchronized (lock) {
            etag = now.etag();
          }
          renew();
          return;
        }
        synchronized (lock) {
          lostTo = holder;
        }
        LOG.error("Lost the lease {}: taken over by {}; this coordinator's storage refuses every further write",
            store.describe(), holder);
      } else {
        synchronized (lock) {
          etag = renewed;
          validUntilNanos = started + usableNanos();
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not renew the lease {} (retried in {} ms; valid for {} ms more): {}", store.describe(),
          duration.toMillis() / 4, Math.max(0, (validUntilNanos - System.nanoTime()) / 1_000_000), e.toString());
    }
  }

  /**
   * Checks that the lease may be used now, before a mutating request.
   *
   * @throws IOException if it was lost, released, or not renewed in time
   */
  void check(String forWhat) throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new IOException("lease " + store.describe() + " was released: refusing to " + forWhat);
      }
      if (lostTo != null) {
        throw new IOException("lease " + store.describe() + " was taken over by " + lostTo + ": refusing to " + forWhat);
      }
      long left = validUntilNanos - System.nanoTime();
      if (left <= 0) {
        throw new IOException("lease " + store.describe() + " was not renewed for " + (usableNanos() - left) / 1_000_000
            + " ms (S3 unreachable?): refusing to " + forWhat + " until a renewal succeeds");
      }
    }
  }

  /** Returns this holder's id. */
  String owner() {
    return owner;
  }

  /** Stops renewing and releases the lease (expires=0), so the next coordinator takes it at once. */
  @Override
  public void close() {
    String expected;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      expected = lostTo == null ? etag : null;
    }
    renewer.shutdown(); // a renewal in flight finishes (interrupting it would leave its outcome unknown)
    try {
      renewer.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lock) {
      expected = lostTo == null ? etag : null;
    }
    if (expected == null) {
      return;
    }
    try {
      if (store.replaceIfMatch(new Content(owner, 0).encode(), expected) == null) {
        Versioned now = store.read();
        if (now != null && Content.decode(now.content(), store.describe()).owner().equals(owner)
            && store.replaceIfMatch(new Content(owner, 0).encode(), now.etag()) != null) {
          return; // our own renewal had moved the ETag on
        }
        LOG.warn("Lease {} was taken over before it was released", store.describe());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not release the lease {}; the next coordinator waits for it to expire", store.describe(), e);
    }
  }
}
