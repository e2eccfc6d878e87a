package dev.cairn.checkpoint.metrics;

import dev.cairn.checkpoint.CheckpointMetrics;
import dev.cairn.checkpoint.CheckpointStats;
import dev.cairn.state.metrics.BackendMetrics;
import dev.cairn.state.metrics.RestoreProgress;
import dev.cairn.state.metrics.StateMetrics;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's MBeans in the platform MBean server: {@code dev.cairn:type=Checkpoints,job=<job>}, one
 * {@code dev.cairn:type=Backend,job=<job>,backend=task-<i>} per participant and one {@code
 * dev.cairn:type=State,job=<job>,backend=task-<i>,state=<name>} per registered state. A state
 * registered with its backend after the MBeans gets its MBean at the next read of any of the job's
 * attributes that is at least a second after the previous look (JMX clients and exporters read
 * attributes at every poll), or at once with {@link #refresh()}. Values containing {@code , = : " * ?
 * \} or a line break are quoted ({@link ObjectName#quote}). {@link #close()} unregisters them all.
 */
public final class MBeanRegistration implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MBeanRegistration.class);
  /** The JMX domain of every Cairn MBean. */
  public static final String DOMAIN = "dev.cairn";

  /** How often reads of attributes look for states registered since: at most once a second. */
  private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final MBeanServer server;
  private final CairnMetrics metrics;
  private final List<ObjectName> names = new ArrayList<>();
  /** Per backend, the states that have an MBean. */
  private final Map<String, Set<String>> published = new HashMap<>();
  private volatile long lastRefreshNanos;
  private boolean closed;

  private MBeanRegistration(MBeanServer server, CairnMetrics metrics) {
    this.server = server;
    this.metrics = metrics;
  }

  static MBeanRegistration register(CairnMetrics metrics) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    MBeanRegistration registration = new MBeanRegistration(server, metrics);
    String job = value(metrics.job());
    try {
      synchronized (registration) {
        registration.add(name("type=Checkpoints,job=" + job), new Checkpoints(registration, metrics),
            CheckpointsMXBean.class);
        for (String backend : metrics.backendNames()) {
          registration.add(name("type=Backend,job=" + job + ",backend=" + value(backend)),
              new Backend(registration, metrics, backend), BackendMXBean.class);
          registration.published.put(backend, new HashSet<>());
        }
        registration.addNewStates(false);
      }
    } catch (JMException | RuntimeException e) {
      registration.close();
      throw new IllegalStateException("cannot register the MBeans of job '" + metrics.job() + "': " + e, e);
    }
    return registration;
  }

  /** Returns the names registered, Checkpoints first, then in the order they were registered. */
  public synchronized List<ObjectName> names() {
    return List.copyOf(names);
  }

  /**
   * Registers an MBean for every state registered with a backend since the last look; a no-op after
   * {@link #close()}. Reads of the job's attributes call it at most once a second by themselves.
   *
   * @return the names registered now, in registration order
   * @throws IllegalStateException if an MBean cannot be registered (its name is taken)
   */
  public synchronized List<ObjectName> refresh() {
    if (closed) {
      return List.of();
    }
    int before = names.size();
    try {
      addNewStates(true);
    } catch (JMException e) {
      throw new IllegalStateException("cannot register a state MBean of job '" + metrics.job() + "': " + e, e);
    }
    return List.copyOf(names.subList(before, names.size()));
  }

  /** Called by every attribute read: {@link #refresh()} if the last look is a second old. */
  void refreshIfDue() {
    long now = System.nanoTime();
    if (now - lastRefreshNanos >= REFRESH_NANOS) {
      lastRefreshNanos = now;
      try {
        refresh();
      } catch (RuntimeException e) {
        LOG.warn("Could not publish the MBeans of new states of job '{}'", metrics.job(), e);
      }
    }
  }

  /** Registers the MBeans of states without one; with {@code fresh}, reads the backends' figures anew. */
  private void addNewStates(boolean fresh) throws JMException {
    String job = value(metrics.job());
    lastRefreshNanos = System.nanoTime();
    for (String backend : metrics.backendNames()) {
      Set<String> states = published.get(backend);
      BackendMetrics figures = fresh ? metrics.refreshed(backend) : metrics.cached(backend);
      for (StateMetrics state : figures.states()) {
        if (!states.contains(state.name())) {
          add(name("type=State,job=" + job + ",backend=" + value(backend) + ",state=" + value(state.name())),
              new State(this, metrics, backend, state.name()), StateMXBean.class);
          states.add(state.name());
        }
      }
    }
  }

  /** Unregisters every MBean; idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    for (ObjectName name : names) {
      try {
        if (server.isRegistered(name)) {
          server.unregisterMBean(name);
        }
      } catch (JMException e) {
        LOG.warn("Could not unregister MBean {}", name, e);
      }
    }
  }

  private <T> void add(ObjectName name, T bean, Class<T> type) throws JMException {
    server.registerMBean(new javax.management.StandardMBean(bean, type, true), name);
    names.add(name);
  }

  private static ObjectName name(String properties) throws JMException {
    return new ObjectName(DOMAIN + ":" + properties);
  }

  private static String value(String value) {
    for (char c : value.toCharArray()) {
      if (",=:\"*?\\\n".indexOf(c) >= 0) {
        return ObjectName.quote(value);
      }
    }
    return value;
  }

  private record Checkpoints(MBeanRegistration registration, CairnMetrics metrics) implements CheckpointsMXBean {
    private CheckpointStats last() {
      registration.refreshIfDue();
      return metrics.checkpoints().lastCompleted();
    }

    @Override
    public long getCompleted() {
      registration.refreshIfDue();
      return metrics.checkpoints().completed();
    }

    @Override
    public long getFailed() {
      return metrics.checkpoints().failed();
    }

    @Override
    public long getCancelled() {
      return metrics.checkpoints().cancelled();
    }

    @Override
    public int getConsecutiveFailures() {
      return metrics.checkpoints().consecutiveFailures();
    }

    @Override
    public long getLastCheckpointId() {
      CheckpointStats last = last();
      return last == null ? -1 : last.checkpointId();
    }

    @Override
    public long getLastDurationMillis() {
      CheckpointStats last = last();
      return last == null ? 0 : last.totalDuration().toMillis();
    }

    @Override
    public long getLastSynchronousMicros() {
      CheckpointStats last = last();
      return last == null ? 0 : last.synchronousDuration().toNanos() / 1000;
    }

    @Override
    public long getLastAsynchronousMillis() {
      CheckpointStats last = last();
      return last == null ? 0 : last.asynchronousDuration().toMillis();
    }

    @Override
    public long getLastMaxSafePointDelayMicros() {
      CheckpointStats last = last();
      return last == null ? 0 : last.maxSafePointDelay().toNanos() / 1000;
    }

    @Override
    public long getLastSizeBytes() {
      CheckpointStats last = last();
      return last == null ? 0 : last.sizeBytes();
    }

    @Override
    public long getLastIncrementalSizeBytes() {
      CheckpointStats last = last();
      return last == null ? 0 : last.incrementalSizeBytes();
    }

    @Override
    public long getLastFailedCheckpointId() {
      CheckpointStats failed = metrics.checkpoints().lastFailed();
      return failed == null ? -1 : failed.checkpointId();
    }

    @Override
    public String getLastFailureCause() {
      CheckpointMetrics figures = metrics.checkpoints();
      return figures.lastFailed() == null || figures.lastFailed().failureCause() == null
          ? "" : String.valueOf(figures.lastFailed().failureCause().getMessage());
    }
  }

  private record Backend(MBeanRegistration registration, CairnMetrics metrics, String name) implements BackendMXBean {
    private BackendMetrics figures() {
      registration.refreshIfDue();
      return metrics.cached(name);
    }

    private RestoreProgress restore() {
      return figures().lastRestore();
    }

    @Override
    public String getKind() {
      return figures().backend();
    }

    @Override
    public long getEntries() {
      return figures().totalEntries();
    }

    @Override
    public long getBytes() {
      return figures().totalBytes();
    }

    @Override
    public long getMemoryUsedBytes() {
      return figures().memoryUsedBytes();
    }

    @Override
    public long getMemoryBudgetBytes() {
      return figures().memoryBudgetBytes();
    }

    @Override
    public long getWriteStalls() {
      return figures().writeStalls();
    }

    @Override
    public long getLastSafePointDelayMicros() {
      return metrics.lastSafePointDelay(name).toNanos() / 1000;
    }

    @Override
    public long getLastRestoreBytes() {
      return restore() == null ? 0 : restore().bytes();
    }

    @Override
    public long getLastRestoreEntries() {
      return restore() == null ? 0 : restore().entries();
    }

    @Override
    public long getLastRestoreMillis() {
      return restore() == null ? 0 : restore().elapsed().toMillis();
    }

    @Override
    public double getLastRestoreBytesPerSecond() {
      return restore() == null ? 0 : restore().bytesPerSecond();
    }

    @Override
    public double getLastRestoreEntriesPerSecond() {
      return restore() == null ? 0 : restore().entriesPerSecond();
    }
  }

  private record State(MBeanRegistration registration, CairnMetrics metrics, String backend, String name)
      implements StateMXBean {
    private StateMetrics figures() {
      registration.refreshIfDue();
      return metrics.cachedState(backend, name);
    }

    @Override
    public String getKind() {
      StateMetrics figures = figures();
      return figures == null ? "" : figures.kind().name();
    }

    @Override
    public long getEntries() {
      StateMetrics figures = figures();
      return figures == null ? 0 : figures.entries();
    }

    @Override
    public long getBytes() {
      StateMetrics figures = figures();
      return figures == null ? 0 : figures.bytes();
    }
  }
}
