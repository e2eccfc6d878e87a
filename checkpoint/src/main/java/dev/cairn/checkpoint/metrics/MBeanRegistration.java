package dev.cairn.checkpoint.metrics;

import dev.cairn.checkpoint.CheckpointMetrics;
import dev.cairn.checkpoint.CheckpointStats;
import dev.cairn.state.metrics.BackendMetrics;
import dev.cairn.state.metrics.RestoreProgress;
import dev.cairn.state.metrics.StateMetrics;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's MBeans in the platform MBean server: {@code dev.cairn:type=Checkpoints,job=<job>}, one
 * {@code dev.cairn:type=Backend,job=<job>,backend=task-<i>} per participant and one {@code
 * dev.cairn:type=State,job=<job>,backend=task-<i>,state=<name>} per state registered when they were
 * registered. Values containing {@code , = : " * ? \} or a line break are quoted ({@link
 * ObjectName#quote}). {@link #close()} unregisters them all.
 */
public final class MBeanRegistration implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MBeanRegistration.class);
  /** The JMX domain of every Cairn MBean. */
  public static final String DOMAIN = "dev.cairn";

  private final MBeanServer server;
  private final List<ObjectName> names;

  private MBeanRegistration(MBeanServer server, List<ObjectName> names) {
    this.server = server;
    this.names = names;
  }

  static MBeanRegistration register(CairnMetrics metrics) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    List<ObjectName> names = new ArrayList<>();
    MBeanRegistration registration = new MBeanRegistration(server, names);
    String job = value(metrics.job());
    try {
      add(server, names, name("type=Checkpoints,job=" + job), new Checkpoints(metrics), CheckpointsMXBean.class);
      for (String backend : metrics.backendNames()) {
        add(server, names, name("type=Backend,job=" + job + ",backend=" + value(backend)),
            new Backend(metrics, backend), BackendMXBean.class);
        for (StateMetrics state : metrics.cached(backend).states()) {
          add(server, names,
              name("type=State,job=" + job + ",backend=" + value(backend) + ",state=" + value(state.name())),
              new State(metrics, backend, state.name()), StateMXBean.class);
        }
      }
    } catch (JMException | RuntimeException e) {
      registration.close();
      throw new IllegalStateException("cannot register the MBeans of job '" + metrics.job() + "': " + e, e);
    }
    return registration;
  }

  /** Returns the names registered, Checkpoints first. */
  public List<ObjectName> names() {
    return List.copyOf(names);
  }

  /** Unregisters every MBean; idempotent. */
  @Override
  public void close() {
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

  private static <T> void add(MBeanServer server, List<ObjectName> names, ObjectName name, T bean, Class<T> type)
      throws JMException {
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

  private record Checkpoints(CairnMetrics metrics) implements CheckpointsMXBean {
    private CheckpointStats last() {
      return metrics.checkpoints().lastCompleted();
    }

    @Override
    public long getCompleted() {
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

  private record Backend(CairnMetrics metrics, String name) implements BackendMXBean {
    private BackendMetrics figures() {
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

  private record State(CairnMetrics metrics, String backend, String name) implements StateMXBean {
    @Override
    public String getKind() {
      StateMetrics figures = metrics.cachedState(backend, name);
      return figures == null ? "" : figures.kind().name();
    }

    @Override
    public long getEntries() {
      StateMetrics figures = metrics.cachedState(backend, name);
      return figures == null ? 0 : figures.entries();
    }

    @Override
    public long getBytes() {
      StateMetrics figures = metrics.cachedState(backend, name);
      return figures == null ? 0 : figures.bytes();
    }
  }
}
