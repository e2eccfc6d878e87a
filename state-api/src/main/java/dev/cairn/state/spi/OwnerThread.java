package dev.cairn.state.spi;

import dev.cairn.state.WrongThreadException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The thread that owns a backend, for backends to refuse every other thread with a {@link
 * WrongThreadException} instead of corrupting state. The owner is the first thread that sets a
 * current key or uses a state handle; before that any thread may build the backend, register states
 * and restore it (a job's main thread prepares it for its task thread). The backend passes to
 * another thread only once its owner has terminated (its end happens-before the new thread's use).
 *
 * <p>A backend calls {@link #checkKeyed()} in {@code setCurrentKey} and on every state access, and
 * {@link #check()} on its other non-thread-safe methods. Both cost a field read and a compare
 * with {@link Thread#currentThread()} on the owner; the rest happens only for another thread.
 *
 * <p>{@code -Dcairn.state.ownerThreadCheck=false} switches the check off for the whole JVM (read once,
 * so that the JIT compiler drops it): for measuring what it costs, see the state-api README.
 */
public final class OwnerThread {

  private static final boolean ENABLED = !"false".equals(System.getProperty("cairn.state.ownerThreadCheck"));
  private static final VarHandle OWNER;

  static {
    try {
      OWNER = MethodHandles.lookup().findVarHandle(OwnerThread.class, "owner", Thread.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String backend;
  /** Read plainly on the fast path; set only by compare-and-set, read with a volatile read otherwise. */
  private Thread owner;

  /**
   * @param backend the backend, as error messages name it
   */
  public OwnerThread(String backend) {
    this.backend = backend;
  }

  /**
   * Passes if the calling thread owns the backend, making it the owner if there is none (or the owner
   * has terminated). Call in {@code setCurrentKey} and on every state access.
   *
   * @throws WrongThreadException if another thread, still alive, owns it
   */
  public void checkKeyed() {
    if (ENABLED && Thread.currentThread() != owner) {
      resolve(true);
    }
  }

  /**
   * Passes if the calling thread owns the backend or no thread does yet (taking over from an owner
   * that has terminated). Call on the backend's other non-thread-safe methods: registration, key
   * enumeration, snapshot and restore.
   *
   * @throws WrongThreadException if another thread, still alive, owns it
   */
  public void check() {
    if (ENABLED && Thread.currentThread() != owner) {
      resolve(false);
    }
  }

  private void resolve(boolean claim) {
    Thread current = Thread.currentThread();
    while (true) {
      Thread holder = (Thread) OWNER.getVolatile(this);
      if (holder == current || (holder == null && !claim)) {
        return;
      }
      if (holder != null && holder.isAlive()) {
        throw new WrongThreadException(describe(current) + " used the " + backend + ", which belongs to "
            + describe(holder) + ", the first thread that set a current key on it. A backend and its state"
            + " handles belong to one thread: give each thread its own backend (one per key-group range), or"
            + " let a backend pass to another thread only after its owner has ended");
      }
      if (OWNER.compareAndSet(this, holder, current)) {
        return;
      }
    }
  }

  private static String describe(Thread thread) {
    return "thread '" + thread.getName() + "' (id " + thread.getId() + ")";
  }
}
