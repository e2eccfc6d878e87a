package dev.cairn.state.query;

import dev.cairn.state.spi.BackendView;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * One version taken by {@link StateViews#publish()}, shared by every {@link LeasedView} of it. Reads
 * run under the read lock; {@link #release} takes the write lock, so the backend view is released
 * only when no read runs, and every read after it fails. Released when retired (superseded, or too
 * old to hand out) with no lease left, when older than the lifetime limit, or when the views close.
 */
final class SharedView<K> {

  static final String RETIRED = "retired";
  static final String EXPIRED = "expired";
  static final String CLOSED = "closed";

  final StateViews<K> owner;
  final BackendView<K> view;
  final long takenNanos;
  final Instant takenAt;
  private final long expiresNanos;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** Guarded by this. */
  private int leases;
  private boolean retired;
  private Future<?>[] timers;
  /** Null while readable, else why not; written under the write lock. */
  private volatile String releasedAs;

  SharedView(StateViews<K> owner, BackendView<K> view, long lifetimeNanos) {
    this.owner = owner;
    this.view = view;
    this.takenNanos = System.nanoTime();
    this.takenAt = Instant.now();
    this.expiresNanos = takenNanos + lifetimeNanos;
  }

  /** Takes a lease for a new view of this version; false if it is retired or released. */
  synchronized boolean lease() {
    if (retired || releasedAs != null) {
      return false;
    }
    leases++;
    return true;
  }

  /** Returns a lease; releases the version if it was the last of a retired one. */
  void unlease() {
    boolean last;
    synchronized (this) {
      leases--;
      last = leases == 0 && retired;
    }
    if (last) {
      release(RETIRED);
    }
  }

  /** Stops handing this version out; releases it now if no view of it is open. */
  void retire() {
    boolean unused;
    synchronized (this) {
      retired = true;
      unused = leases == 0;
    }
    if (unused) {
      release(RETIRED);
    }
  }

  synchronized void schedule(Future<?> retirement, Future<?> expiry) {
    timers = new Future<?>[] {retirement, expiry};
    if (releasedAs != null) {
      cancelTimers();
    }
  }

  /**
   * Releases the backend view once, waiting for reads in progress; later reads fail. Never call it
   * while holding the read lock.
   */
  void release(String reason) {
    lock.writeLock().lock();
    try {
      if (releasedAs != null) {
        return;
      }
      releasedAs = reason;
      view.release();
    } finally {
      lock.writeLock().unlock();
      owner.released(this);
    }
    synchronized (this) {
      cancelTimers();
    }
  }

  private void cancelTimers() {
    if (timers != null) {
      for (Future<?> timer : timers) {
        timer.cancel(false);
      }
      timers = null;
    }
  }

  /**
   * Runs a read of the backend view, unless the version was released or has outlived its lifetime
   * (then it is released here and the read fails).
   */
  <T> T read(Supplier<T> read) {
    if (System.nanoTime() - expiresNanos >= 0) {
      release(EXPIRED);
    }
    lock.readLock().lock();
    try {
      String released = releasedAs;
      if (released != null) {
        throw failure(released);
      }
      return read.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  private ViewClosedException failure(String reason) {
    if (EXPIRED.equals(reason)) {
      return new ViewExpiredException("the view taken at " + takenAt + " by " + owner.description()
          + " expired: it outlived its maximum lifetime of " + owner.lifetime() + " and was closed, releasing"
          + " what it pinned (StateViews.Builder.maxLifetime). Close views when the reads are done and acquire"
          + " a new one for later reads");
    }
    return new ViewClosedException("the view taken at " + takenAt + " by " + owner.description() + " is closed"
        + (CLOSED.equals(reason) ? ": its StateViews was closed" : ""));
  }
}
