package dev.cairn.checkpoint.metrics;

import dev.cairn.checkpoint.CheckpointListener;
import dev.cairn.checkpoint.CheckpointStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The course's "alert if" rules as code: a {@link CheckpointListener} that evaluates thresholds at the
 * end of each checkpoint and hands each {@link Alert} to a callback. Add it to the coordinator with
 * {@code CheckpointCoordinator.Builder.listener(alerts)}.
 *
 * <pre>{@code
 * CheckpointAlerts alerts = CheckpointAlerts.builder(alert -> log.warn("{}", alert.message()))
 *     .stateGrowingFor(5)                               // checkpoint size grew 5 times in a row
 *     .durationAbove(Duration.ofMinutes(1))
 *     .consecutiveFailures(2)
 *     .build();
 * }</pre>
 *
 * <p>Each rule fires once when its condition starts to hold and again only after it stopped holding.
 * Called on the coordinator's thread, like every listener; an exception from the callback is logged
 * and ignored. Cancelled checkpoints (a closing coordinator) are ignored.
 */
public final class CheckpointAlerts implements CheckpointListener {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointAlerts.class);

  /** The rules. */
  public enum Rule {
    /** The state size grew at each of the last N completed checkpoints. */
    STATE_GROWING,
    /** A completed checkpoint took longer than the limit, trigger to completion. */
    SLOW_CHECKPOINT,
    /** N checkpoints in a row failed. */
    CONSECUTIVE_FAILURES
  }

  /**
   * An alert.
   *
   * @param rule the rule that fired
   * @param message what happened, with the figures
   * @param stats the statistics of the checkpoint whose end fired it
   */
  public record Alert(Rule rule, String message, CheckpointStats stats) {}

  private final Consumer<Alert> callback;
  private final int growthCount;
  private final LongSupplier stateSize;
  private final Duration durationLimit;
  private final int failureCount;
  private long lastSize = -1;
  private int growths;
  private int failures;
  private boolean slow;

  private CheckpointAlerts(Builder builder) {
    this.callback = builder.callback;
    this.growthCount = builder.growthCount;
    this.stateSize = builder.stateSize;
    this.durationLimit = builder.durationLimit;
    this.failureCount = builder.failureCount;
  }

  /** Starts configuring alerts that go to {@code callback}. */
  public static Builder builder(Consumer<Alert> callback) {
    if (callback == null) {
      throw new IllegalArgumentException("callback must not be null");
    }
    return new Builder(callback);
  }

  @Override
  public synchronized void onCheckpointStats(CheckpointStats stats) {
    List<Alert> alerts = new ArrayList<>(1);
    switch (stats.status()) {
      case COMPLETED -> {
        failures = 0;
        if (growthCount > 0) {
          long size = stateSize != null ? stateSize.getAsLong() : stats.sizeBytes();
          growths = lastSize >= 0 && size > lastSize ? growths + 1 : 0;
          if (growths == growthCount) {
            alerts.add(new Alert(Rule.STATE_GROWING, "state grew at each of the last " + growthCount
                + " checkpoints, to " + size + (stateSize != null ? "" : " bytes") + " at checkpoint "
                + stats.checkpointId(), stats));
          }
          lastSize = size;
        }
        if (durationLimit != null) {
          boolean over = stats.totalDuration().compareTo(durationLimit) > 0;
          if (over && !slow) {
            alerts.add(new Alert(Rule.SLOW_CHECKPOINT, "checkpoint " + stats.checkpointId() + " took "
                + stats.totalDuration().toMillis() + " ms, above the limit of " + durationLimit.toMillis() + " ms",
                stats));
          }
          slow = over;
        }
      }
      case FAILED -> {
        failures++;
        if (failures == failureCount) {
          alerts.add(new Alert(Rule.CONSECUTIVE_FAILURES, failureCount + " consecutive checkpoint failures, the last ("
              + stats.checkpointId() + ") with: " + stats.failureCause(), stats));
        }
      }
      case CANCELLED -> { }
    }
    for (Alert alert : alerts) {
      try {
        callback.accept(alert);
      } catch (RuntimeException e) {
        LOG.warn("Alert callback failed on {}", alert, e);
      }
    }
  }

  /** Configures alerts; each rule may be set once, and at least one must be. */
  public static final class Builder {
    private final Consumer<Alert> callback;
    private int growthCount;
    private LongSupplier stateSize;
    private Duration durationLimit;
    private int failureCount;

    private Builder(Consumer<Alert> callback) {
      this.callback = callback;
    }

    /** Alerts when the checkpoint size (what a restore reads) grew at each of {@code checkpoints} completions in a row. */
    public Builder stateGrowingFor(int checkpoints) {
      return stateGrowingFor(checkpoints, null);
    }

    /**
     * Alerts when {@code size}, read at each completed checkpoint, grew at each of {@code checkpoints}
     * completions in a row: entries, say, {@code () -> metrics.backends().values().stream()
     * .mapToLong(BackendMetrics::totalEntries).sum()}.
     *
     * @param size the size to watch, or null for the checkpoint size
     * @throws IllegalArgumentException unless {@code checkpoints} is positive
     * @throws IllegalStateException if already set
     */
    public Builder stateGrowingFor(int checkpoints, LongSupplier size) {
      if (growthCount != 0) {
        throw new IllegalStateException("state growth was already set to " + growthCount + " checkpoints");
      }
      if (checkpoints < 1) {
        throw new IllegalArgumentException("checkpoints must be at least 1, got " + checkpoints);
      }
      this.growthCount = checkpoints;
      this.stateSize = size;
      return this;
    }

    /**
     * Alerts when a completed checkpoint took longer than {@code limit}, trigger to completion.
     *
     * @throws IllegalStateException if already set
     */
    public Builder durationAbove(Duration limit) {
      if (durationLimit != null) {
        throw new IllegalStateException("duration limit was already set to " + durationLimit);
      }
      if (limit == null || limit.isNegative()) {
        throw new IllegalArgumentException("duration limit must not be negative, got " + limit);
      }
      this.durationLimit = limit;
      return this;
    }

    /**
     * Alerts when {@code failures} checkpoints in a row failed or timed out.
     *
     * @throws IllegalStateException if already set
     */
    public Builder consecutiveFailures(int failures) {
      if (failureCount != 0) {
        throw new IllegalStateException("consecutive failures was already set to " + failureCount);
      }
      if (failures < 1) {
        throw new IllegalArgumentException("failures must be at least 1, got " + failures);
      }
      this.failureCount = failures;
      return this;
    }

    /**
     * Returns the alerts.
     *
     * @throws IllegalStateException if no rule was set
     */
    public CheckpointAlerts build() {
      if (growthCount == 0 && durationLimit == null && failureCount == 0) {
        throw new IllegalStateException("no rule set: call stateGrowingFor, durationAbove or consecutiveFailures");
      }
      return new CheckpointAlerts(this);
    }
  }
}
