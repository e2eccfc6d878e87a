package dev.cairn.checkpoint.metrics;

import dev.cairn.checkpoint.CheckpointStats;
import dev.cairn.state.metrics.BackendMetrics;
import dev.cairn.state.metrics.RestoreProgress;
import dev.cairn.state.metrics.StateMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Binds a job's figures to a Micrometer registry: the meters of the checkpoint README, tagged {@code
 * job}, and {@code backend} and {@code state} where they apply. Needs {@code micrometer-core} on the
 * class path, which Cairn declares optional: an application that uses Micrometer has it already.
 * States are those registered when {@link #bindTo} is called. Meters read the figures when the
 * registry asks (backend figures at most a second old); binding costs the task threads nothing.
 */
public final class CairnMeterBinder implements MeterBinder {

  private final CairnMetrics metrics;

  /** Binds the figures of {@code metrics}. */
  public CairnMeterBinder(CairnMetrics metrics) {
    if (metrics == null) {
      throw new IllegalArgumentException("metrics must not be null");
    }
    this.metrics = metrics;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Tags job = Tags.of("job", metrics.job());
    FunctionCounter.builder("cairn.checkpoints.completed", metrics, m -> m.checkpoints().completed())
        .tags(job).description("checkpoints completed").register(registry);
    FunctionCounter.builder("cairn.checkpoints.failed", metrics, m -> m.checkpoints().failed())
        .tags(job).description("checkpoints failed or timed out").register(registry);
    Gauge.builder("cairn.checkpoints.consecutive.failures", metrics, m -> m.checkpoints().consecutiveFailures())
        .tags(job).description("failures since the last completed checkpoint").register(registry);
    lastCheckpointTime(registry, job, "cairn.checkpoint.duration", "trigger to completion", CheckpointStats::totalDuration);
    lastCheckpointTime(registry, job, "cairn.checkpoint.sync.duration", "longest synchronous part",
        CheckpointStats::synchronousDuration);
    lastCheckpointTime(registry, job, "cairn.checkpoint.async.duration", "longest asynchronous part",
        CheckpointStats::asynchronousDuration);
    lastCheckpointTime(registry, job, "cairn.checkpoint.safepoint.delay.max", "longest trigger-to-safe-point delay",
        CheckpointStats::maxSafePointDelay);
    lastCheckpointBytes(registry, job, "cairn.checkpoint.size", "bytes a restore reads", CheckpointStats::sizeBytes);
    lastCheckpointBytes(registry, job, "cairn.checkpoint.incremental.size", "bytes written",
        CheckpointStats::incrementalSizeBytes);
    for (String backend : metrics.backendNames()) {
      Tags tags = job.and("backend", backend);
      TimeGauge.builder("cairn.checkpoint.safepoint.delay", metrics, TimeUnit.NANOSECONDS,
              m -> m.lastSafePointDelay(backend).toNanos())
          .tags(tags).description("trigger-to-safe-point delay in the last completed checkpoint").register(registry);
      backendGauge(registry, tags, backend, "cairn.backend.memory.used", "bytes of the memory budget in use",
          BackendMetrics::memoryUsedBytes);
      backendGauge(registry, tags, backend, "cairn.backend.memory.budget", "the memory budget",
          BackendMetrics::memoryBudgetBytes);
      FunctionCounter.builder("cairn.backend.write.stalls", metrics, m -> m.cached(backend).writeStalls())
          .tags(tags).description("RocksDB write stalls and slow-downs").register(registry);
      restoreGauge(registry, tags, backend, "cairn.restore.bytes.per.second", RestoreProgress::bytesPerSecond);
      restoreGauge(registry, tags, backend, "cairn.restore.entries.per.second", RestoreProgress::entriesPerSecond);
      for (StateMetrics state : metrics.cached(backend).states()) {
        Tags stateTags = tags.and("state", state.name());
        stateGauge(registry, stateTags, backend, state.name(), "cairn.state.entries", "entries", StateMetrics::entries);
        stateGauge(registry, stateTags, backend, state.name(), "cairn.state.bytes", "bytes", StateMetrics::bytes);
      }
    }
  }

  private void lastCheckpointTime(
      MeterRegistry registry, Tags tags, String name, String description, Function<CheckpointStats, Duration> figure) {
    TimeGauge.builder(name, metrics, TimeUnit.NANOSECONDS, m -> {
          CheckpointStats last = m.checkpoints().lastCompleted();
          return last == null ? 0 : figure.apply(last).toNanos();
        })
        .tags(tags).description(description + ", last completed checkpoint").register(registry);
  }

  private void lastCheckpointBytes(
      MeterRegistry registry, Tags tags, String name, String description, ToLongFunction<CheckpointStats> figure) {
    Gauge.builder(name, metrics, m -> {
          CheckpointStats last = m.checkpoints().lastCompleted();
          return last == null ? 0 : figure.applyAsLong(last);
        })
        .tags(tags).baseUnit("bytes").description(description + ", last completed checkpoint").register(registry);
  }

  private void backendGauge(MeterRegistry registry, Tags tags, String backend, String name, String description,
      ToLongFunction<BackendMetrics> figure) {
    Gauge.builder(name, metrics, m -> figure.applyAsLong(m.cached(backend)))
        .tags(tags).baseUnit("bytes").description(description).register(registry);
  }

  private void restoreGauge(
      MeterRegistry registry, Tags tags, String backend, String name, ToDoubleFunction<RestoreProgress> figure) {
    Gauge.builder(name, metrics, m -> {
          RestoreProgress restore = m.cached(backend).lastRestore();
          return restore == null ? 0 : figure.applyAsDouble(restore);
        })
        .tags(tags).description("rate of the backend's last restore").register(registry);
  }

  private void stateGauge(MeterRegistry registry, Tags tags, String backend, String state, String name, String unit,
      ToLongFunction<StateMetrics> figure) {
    Gauge.builder(name, metrics, m -> {
          StateMetrics figures = m.cachedState(backend, state);
          return figures == null ? 0 : figure.applyAsLong(figures);
        })
        .tags(tags).baseUnit(unit).description("the state's " + unit).register(registry);
  }
}
