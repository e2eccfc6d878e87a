package dev.cairn.state.rocksdb;

import dev.cairn.state.BackendClosedException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps native handles alive while other threads use them. A user (the asynchronous part of a
 * snapshot) holds a lease while it touches native handles and checks {@link #isClosing()} often; the
 * owner's {@link #close()} marks the guard closing and then waits until every lease is returned, so
 * the native handles are freed only when no other thread can touch them. Closing never waits longer
 * than a lease holder takes to notice.
 */
final class ResourceGuard {

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final String description;
  private volatile boolean closing;

  ResourceGuard(String description) {
    this.description = description;
  }

  /**
   * Takes a lease; release it with {@link #release()} in a finally block.
   *
   * @throws BackendClosedException if the guard is closing or closed
   */
  void acquire() {
    lock.readLock().lock();
    if (closing) {
      lock.readLock().unlock();
      throw new BackendClosedException(description + " is closed");
    }
  }

  /**
   * Takes a lease if the guard is open, without waiting; release it with {@link #release()} in a
   * finally block.
   *
   * @return false, holding nothing, if the guard is closing or closed
   */
  boolean tryAcquire() {
    if (!lock.readLock().tryLock()) {
      return false; // the owner is freeing the natives
    }
    if (closing) {
      lock.readLock().unlock();
      return false;
    }
    return true;
  }

  /** Returns a lease taken by {@link #acquire()} or {@link #tryAcquire()}. */
  void release() {
    lock.readLock().unlock();
  }

  /** Returns true once {@link #close()} has begun: lease holders must stop and release soon. */
  boolean isClosing() {
    return closing;
  }

  /**
   * Runs {@code action} while no lease is held and none can be taken, without closing the guard:
   * for the owner to replace or drop native handles that other threads may use under a lease.
   * Waits until every lease is returned.
   *
   * @throws BackendClosedException if the guard is closing or closed
   */
  void runExclusive(Runnable action) {
    lock.writeLock().lock();
    try {
      if (closing) {
        throw new BackendClosedException(description + " is closed");
      }
      action.run();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Marks the guard closing, waits until every lease is returned, then runs {@code releaseNatives}
   * while no lease can be taken. Afterwards every {@link #acquire()} fails. Returns false, without
   * running anything, if the guard was closed before.
   */
  boolean close(Runnable releaseNatives) {
    if (closing) {
      return false;
    }
    closing = true;
    lock.writeLock().lock();
    try {
      releaseNatives.run();
    } finally {
      lock.writeLock().unlock();
    }
    return true;
  }
}
