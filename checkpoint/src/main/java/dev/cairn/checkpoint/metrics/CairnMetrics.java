package dev.cairn.checkpoint.metrics;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointMetrics;
import dev.cairn.checkpoint.CheckpointParticipant;
import dev.cairn.checkpoint.CheckpointStats;
import dev.cairn.state.metrics.BackendMetrics;
import dev.cairn.state.metrics.MeteredBackend;
import dev.cairn.state.metrics.StateMetrics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One job's figures: the coordinator's checkpoint figures and every participant's backend figures,
 * participant {@code i} named {@code task-<i>}. The plain-Java outlet; {@link #registerMBeans()} and
 * {@link CairnMeterBinder} publish the same figures through JMX and Micrometer.
 *
 * <pre>{@code
 * CairnMetrics metrics = CairnMetrics.of("orders", coordinator);  // after register() and getState()
 * try (AutoCloseable mbeans = metrics.registerMBeans()) {
 *   new CairnMeterBinder(metrics).bindTo(meterRegistry);           // with Micrometer, if you use it
 *   ... processing ...
 * }
 * }</pre>
 *
 * <p>Thread-safe: any thread may read any figure at any time without slowing the task threads.
 * Backend figures read by the outlets are cached for one second, so that a scrape of many meters
 * reads each backend once.
 */
public final class CairnMetrics {

  private static final long CACHE_NANOS = Duration.ofSeconds(1).toNanos();

  private record Cached(long atNanos, BackendMetrics figures) {}

  private final String job;
  private final CheckpointCoordinator coordinator;
  private final Map<String, MeteredBackend> backends = new LinkedHashMap<>();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private CairnMetrics(String job, CheckpointCoordinator coordinator) {
    this.job = job;
    this.coordinator = coordinator;
    for (CheckpointParticipant participant : coordinator.participants()) {
      backends.put(backendName(participant.index()), MeteredBackend.of(participant.backend()));
    }
  }

  /**
   * Gathers the figures of {@code coordinator} and of the backends registered with it so far: call
   * after {@link CheckpointCoordinator#register}.
   *
   * @param job names the job in MBean names and meter tags
   * @throws IllegalArgumentException if {@code job} is null or empty, or a backend has no metrics
   */
  public static CairnMetrics of(String job, CheckpointCoordinator coordinator) {
    if (job == null || job.isEmpty()) {
      throw new IllegalArgumentException("job name must not be null or empty");
    }
    if (coordinator == null) {
      throw new IllegalArgumentException("coordinator must not be null");
    }
    return new CairnMetrics(job, coordinator);
  }

  /** Returns the name of participant {@code index}'s backend: {@code task-<index>}. */
  public static String backendName(int index) {
    return "task-" + index;
  }

  /** Returns the job name. */
  public String job() {
    return job;
  }

  /** Returns the checkpoint figures now. */
  public CheckpointMetrics checkpoints() {
    return coordinator.metrics();
  }

  /** Returns every backend's figures now, read fresh, by backend name in participant order. */
  public Map<String, BackendMetrics> backends() {
    Map<String, BackendMetrics> result = new LinkedHashMap<>();
    backends.forEach((name, backend) -> result.put(name, backend.metrics()));
    return result;
  }

  /** Returns the backend names, in participant order. */
  public List<String> backendNames() {
    return List.copyOf(backends.keySet());
  }

  /**
   * Returns the time from trigger to safe point of backend {@code name}'s participant in the last
   * completed checkpoint, or zero before the first.
   */
  public Duration lastSafePointDelay(String name) {
    CheckpointStats last = checkpoints().lastCompleted();
    int index = List.copyOf(backends.keySet()).indexOf(name);
    if (last == null || index < 0 || index >= last.safePointDelays().size()) {
      return Duration.ZERO;
    }
    return last.safePointDelays().get(index);
  }

  /**
   * Registers the MBeans described in the checkpoint README; closing the result unregisters them.
   * States registered later get theirs at a read of the job's attributes a second or more after the
   * previous look, or at {@link MBeanRegistration#refresh()}.
   */
  public MBeanRegistration registerMBeans() {
    return MBeanRegistration.register(this);
  }

  /** Returns backend {@code name}'s figures, at most a second old. */
  BackendMetrics cached(String name) {
    Cached cached = cache.get(name);
    if (cached == null || System.nanoTime() - cached.atNanos() > CACHE_NANOS) {
      return refreshed(name);
    }
    return cached.figures();
  }

  /** Returns backend {@code name}'s figures read now, which the outlets then see for a second. */
  BackendMetrics refreshed(String name) {
    Cached cached = new Cached(System.nanoTime(), backends.get(name).metrics());
    cache.put(name, cached);
    return cached.figures();
  }

  /** Returns state {@code state} of backend {@code backend}, at most a second old, or null if gone. */
  StateMetrics cachedState(String backend, String state) {
    for (StateMetrics figures : cached(backend).states()) {
      if (figures.name().equals(state)) {
        return figures;
      }
    }
    return null;
  }
}
