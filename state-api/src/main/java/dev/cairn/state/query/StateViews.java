package dev.cairn.state.query;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.spi.QueryableBackend;
import dev.cairn.state.spi.StateMetaInfo;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Hands out {@link StateView}s of one backend to other threads: the task thread takes views at its
 * safe points, readers acquire the latest.
 *
 * <pre>{@code
 * StateViews<String> views = StateViews.of(backend);
 * // task thread:                              // any other thread, e.g. an HTTP handler:
 * for (Event e : events) {                     try (StateView<String> view = views.acquire()) {
 *   backend.setCurrentKey(e.user());             Long count = view.value(COUNT, "user-42");
 *   count.update(count.value() + 1);           }
 *   views.refresh();                // safe point
 * }
 * }</pre>
 *
 * <p><b>Why the task thread takes views.</b> A backend belongs to its task thread, and only there,
 * between two records, is its state whole: a view taken anywhere else could see half of a record's
 * updates. Taking one is cheap (heap: a copy-on-write version; RocksDB: writing the write-back cache's
 * pending writes, then a native snapshot) but not free, and what it pins costs the task thread later
 * (heap: each structure written afterwards is copied once). So views are taken on demand: {@link
 * #acquire()} hands out the latest view if it is at most {@link Builder#maxStaleness} old; otherwise it
 * asks for a new one and waits until the task thread's next {@link #refresh()}, which takes one only
 * when a reader asked (otherwise it costs one volatile read). All readers within the staleness bound
 * share one view, and a job nobody queries pays nothing. {@link #publish()} takes one unasked, e.g.
 * right after a checkpoint. Call {@code refresh()} between records and also while idle (after each
 * poll of the input), or readers wait while the task thread waits for input.
 *
 * <p><b>Lifetime.</b> A version stops being handed out once it is {@code maxStaleness} old and is
 * released (unpinned) once its last view is closed. A version older than {@link
 * Builder#maxLifetime} is released even if views of it are still open: their reads then throw {@link
 * ViewExpiredException}. So a reader that forgets to close a view pins nothing for longer than that.
 * Releases happen on whichever thread notices (a daemon timer thread, {@code cairn-state-views},
 * closing the last view), never during a read.
 *
 * <p>{@link #refresh()} and {@link #publish()} belong to the task thread; every other method may be
 * called from any thread.
 *
 * @param <K> the key type
 */
public final class StateViews<K> implements AutoCloseable {

  private final QueryableBackend<K> backend;
  private final String description;
  private final long maxStalenessNanos;
  private final long maxLifetimeNanos;
  private final Duration maxStaleness;
  private final Duration maxLifetime;
  private final Duration acquireTimeout;
  private final Object monitor = new Object();
  /** Descriptors already checked against a state, with their meta info (computed once). */
  private final ConcurrentHashMap<StateDescriptor<?>, StateMetaInfo> metas = new ConcurrentHashMap<>();
  /** Every version not yet released. */
  private final Set<SharedView<K>> live = ConcurrentHashMap.newKeySet();
  /** The latest version taken, or null; changed under {@link #monitor}. */
  private volatile SharedView<K> current;
  /** Whether a reader waits for a version newer than {@link #current}. */
  private volatile boolean requested;
  private volatile boolean closed;

  private StateViews(Builder<K> builder) {
    this.backend = QueryableBackend.of(builder.backend);
    this.description = "the state views of " + builder.backend.getClass().getSimpleName();
    this.maxStaleness = builder.maxStaleness;
    this.maxLifetime = builder.maxLifetime;
    this.acquireTimeout = builder.acquireTimeout;
    this.maxStalenessNanos = maxStaleness.toNanos();
    this.maxLifetimeNanos = maxLifetime.toNanos();
  }

  /**
   * Returns views of {@code backend} with the default settings: staleness 100 ms, lifetime 30 s,
   * acquire timeout 5 s.
   *
   * @throws IllegalArgumentException if the backend has no queryable state
   */
  public static <K> StateViews<K> of(KeyedStateBackend<K> backend) {
    return builder(backend).build();
  }

  /** Starts views of {@code backend} with other settings. */
  public static <K> Builder<K> builder(KeyedStateBackend<K> backend) {
    return new Builder<>(backend);
  }

  /**
   * A safe point of the task thread, between two records: takes and publishes a new view if a reader
   * waits for one, otherwise does nothing (one volatile read).
   *
   * @return whether a view was taken
   * @throws dev.cairn.state.WrongThreadException if called on a thread other than the backend's owner
   */
  public boolean refresh() {
    if (!requested || closed) {
      return false;
    }
    publish();
    return true;
  }

  /**
   * Takes a view now, on the task thread between two records, and makes it the one readers get;
   * wakes readers waiting for one. The previous version is released once its views are closed.
   *
   * @throws ViewClosedException if these views were closed
   * @throws dev.cairn.state.WrongThreadException if called on a thread other than the backend's owner
   * @throws dev.cairn.state.BackendClosedException if the backend was closed
   */
  public void publish() {
    if (closed) {
      throw new ViewClosedException(description + " were closed");
    }
    SharedView<K> taken = new SharedView<>(this, backend.view(), maxLifetimeNanos);
    live.add(taken);
    SharedView<K> previous;
    synchronized (monitor) {
      previous = current;
      current = taken;
      requested = false;
      monitor.notifyAll();
    }
    if (closed) { // closed meanwhile: close() may have missed the new version
      taken.release(SharedView.CLOSED);
    }
    if (previous != null) {
      previous.retire();
    }
    taken.schedule(
        Timer.INSTANCE.schedule(taken::retire, maxStalenessNanos, TimeUnit.NANOSECONDS),
        Timer.INSTANCE.schedule(() -> taken.release(SharedView.EXPIRED), maxLifetimeNanos, TimeUnit.NANOSECONDS));
  }

  /**
   * Returns a view at most {@link Builder#maxStaleness} old: the latest one if it is fresh enough,
   * otherwise a new one, taken at the task thread's next {@link #refresh()}, waiting for it up to
   * {@link Builder#acquireTimeout}. Close the view when done.
   *
   * @throws ViewTimeoutException if no view came in time
   * @throws ViewClosedException if these views were closed
   * @throws dev.cairn.state.StateException if interrupted while waiting (the interrupt flag is set)
   */
  public StateView<K> acquire() {
    long deadline = System.nanoTime() + acquireTimeout.toNanos();
    synchronized (monitor) {
      while (true) {
        if (closed) {
          throw new ViewClosedException(description + " were closed");
        }
        SharedView<K> latest = current;
        if (latest != null && System.nanoTime() - latest.takenNanos <= maxStalenessNanos && latest.lease()) {
          return new LeasedView<>(latest);
        }
        requested = true;
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          throw new ViewTimeoutException("no view of " + description + " within " + acquireTimeout
              + ": the task thread did not reach StateViews.refresh() (is it blocked, busy with one record,"
              + " or not calling refresh() between records and while idle?)");
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(monitor, remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new dev.cairn.state.StateException("interrupted while waiting for a view of " + description, e);
        }
      }
    }
  }

  /** Returns the staleness bound: {@link #acquire()} never returns an older view. */
  public Duration maxStaleness() {
    return maxStaleness;
  }

  /** Returns the lifetime limit of a view. */
  public Duration maxLifetime() {
    return maxLifetime;
  }

  /**
   * Closes every view and releases every version; afterwards {@link #acquire()} and reads of open
   * views throw {@link ViewClosedException}, {@link #refresh()} does nothing. Idempotent; any thread.
   * Close it before the backend (closing the backend also makes views unreadable).
   */
  @Override
  public void close() {
    synchronized (monitor) {
      closed = true;
      monitor.notifyAll();
    }
    for (SharedView<K> view : live) {
      view.release(SharedView.CLOSED);
    }
  }

  /** Returns the meta info of {@code descriptor}, computed once per descriptor. */
  StateMetaInfo meta(StateDescriptor<?> descriptor) {
    Objects.requireNonNull(descriptor, "descriptor");
    return metas.computeIfAbsent(descriptor, StateMetaInfo::of);
  }

  void released(SharedView<K> view) {
    live.remove(view);
  }

  String description() {
    return description;
  }

  Duration lifetime() {
    return maxLifetime;
  }

  /** The timer that retires and expires versions: one daemon thread for the JVM, started when first used. */
  private static final class Timer {
    static final ScheduledThreadPoolExecutor INSTANCE = create();

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "cairn-state-views");
        thread.setDaemon(true);
        return thread;
      });
      executor.setRemoveOnCancelPolicy(true);
      return executor;
    }
  }

  /**
   * Settings of {@link StateViews}; each may be set once.
   *
   * @param <K> the key type
   */
  public static final class Builder<K> {

    private final KeyedStateBackend<K> backend;
    private Duration maxStaleness;
    private Duration maxLifetime;
    private Duration acquireTimeout;

    private Builder(KeyedStateBackend<K> backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
    }

    /**
     * How old a view {@link #acquire()} may return (default 100 ms): smaller means fresher answers and
     * more views taken (each costs the task thread a freeze, and on the heap a copy of each structure
     * written afterwards).
     *
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if not positive
     */
    public Builder<K> maxStaleness(Duration staleness) {
      if (maxStaleness != null) {
        throw new IllegalStateException("max staleness was already set to " + maxStaleness);
      }
      maxStaleness = positive(staleness, "max staleness");
      return this;
    }

    /**
     * How long a view may stay open (default 30 s, at least the staleness): older ones are closed and
     * their reads throw {@link ViewExpiredException}.
     *
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if not positive
     */
    public Builder<K> maxLifetime(Duration lifetime) {
      if (maxLifetime != null) {
        throw new IllegalStateException("max lifetime was already set to " + maxLifetime);
      }
      maxLifetime = positive(lifetime, "max lifetime");
      return this;
    }

    /**
     * How long {@link #acquire()} waits for the task thread to take a view (default 5 s).
     *
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if not positive
     */
    public Builder<K> acquireTimeout(Duration timeout) {
      if (acquireTimeout != null) {
        throw new IllegalStateException("acquire timeout was already set to " + acquireTimeout);
      }
      acquireTimeout = positive(timeout, "acquire timeout");
      return this;
    }

    /**
     * Builds the views.
     *
     * @throws IllegalArgumentException if the backend has no queryable state, or the lifetime is
     *     shorter than the staleness
     */
    public StateViews<K> build() {
      if (maxStaleness == null) {
        maxStaleness = Duration.ofMillis(100);
      }
      if (maxLifetime == null) {
        maxLifetime = Duration.ofSeconds(30);
      }
      if (acquireTimeout == null) {
        acquireTimeout = Duration.ofSeconds(5);
      }
      if (maxLifetime.compareTo(maxStaleness) < 0) {
        throw new IllegalArgumentException(
            "max lifetime " + maxLifetime + " is shorter than max staleness " + maxStaleness);
      }
      return new StateViews<>(this);
    }

    private static Duration positive(Duration duration, String what) {
      Objects.requireNonNull(duration, what);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + duration);
      }
      return duration;
    }
  }
}
