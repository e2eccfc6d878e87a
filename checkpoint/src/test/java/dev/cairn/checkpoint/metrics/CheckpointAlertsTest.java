package dev.cairn.checkpoint.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.checkpoint.CheckpointException;
import dev.cairn.checkpoint.CheckpointStats;
import dev.cairn.checkpoint.metrics.CheckpointAlerts.Alert;
import dev.cairn.checkpoint.metrics.CheckpointAlerts.Rule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CheckpointAlertsTest {

  private final List<Alert> alerts = new ArrayList<>();
  private long nextId = 1;

  private CheckpointStats completed(long sizeBytes, Duration duration) {
    return new CheckpointStats(nextId++, false, CheckpointStats.Status.COMPLETED, Instant.EPOCH, Duration.ZERO,
        Duration.ZERO, duration, sizeBytes, sizeBytes, 1, null, List.of(Duration.ZERO));
  }

  private CheckpointStats failed() {
    return new CheckpointStats(nextId++, false, CheckpointStats.Status.FAILED, Instant.EPOCH, Duration.ZERO,
        Duration.ZERO, Duration.ZERO, 0, 0, 0, new CheckpointException("disk full"), List.of(Duration.ZERO));
  }

  @Test
  void stateGrowingFor3_firesAtTheThirdGrowthInARow_onceUntilItStops() {
    CheckpointAlerts rule = CheckpointAlerts.builder(alerts::add).stateGrowingFor(3).build();
    for (long size : new long[] {100, 110, 120, 115, 130, 140, 150, 160, 170}) {
      rule.onCheckpointStats(completed(size, Duration.ZERO));
    }
    // 100→110→120 grows twice, 115 resets, 115→130→140→150 is the third growth in a row (checkpoint 7)
    assertThat(alerts).extracting(Alert::rule).containsExactly(Rule.STATE_GROWING);
    assertThat(alerts.get(0).stats().checkpointId()).isEqualTo(7);
    assertThat(alerts.get(0).message()).contains("150");
  }

  @Test
  void stateGrowingFor_withASizeSupplier_watchesItInsteadOfTheCheckpointSize() {
    AtomicLong entries = new AtomicLong();
    CheckpointAlerts rule = CheckpointAlerts.builder(alerts::add).stateGrowingFor(2, entries::get).build();
    for (int i = 0; i < 3; i++) {
      entries.addAndGet(10);
      rule.onCheckpointStats(completed(500, Duration.ZERO)); // the checkpoint size does not change
    }
    assertThat(alerts).extracting(Alert::rule).containsExactly(Rule.STATE_GROWING);
  }

  @Test
  void durationAbove_firesOnTheFirstSlowCheckpoint_andAgainOnlyAfterAFastOne() {
    CheckpointAlerts rule = CheckpointAlerts.builder(alerts::add).durationAbove(Duration.ofMinutes(1)).build();
    for (int seconds : new int[] {10, 61, 90, 60, 70}) {
      rule.onCheckpointStats(completed(1, Duration.ofSeconds(seconds)));
    }
    assertThat(alerts).extracting(Alert::rule).containsExactly(Rule.SLOW_CHECKPOINT, Rule.SLOW_CHECKPOINT);
    assertThat(alerts).extracting(a -> a.stats().checkpointId()).containsExactly(2L, 5L);
  }

  @Test
  void consecutiveFailures_firesAtTheNthInARow_andACompletionResetsTheCount() {
    CheckpointAlerts rule = CheckpointAlerts.builder(alerts::add).consecutiveFailures(2).build();
    rule.onCheckpointStats(failed());
    rule.onCheckpointStats(completed(1, Duration.ZERO));
    rule.onCheckpointStats(failed());
    assertThat(alerts).isEmpty();
    rule.onCheckpointStats(failed());
    rule.onCheckpointStats(failed());
    assertThat(alerts).extracting(Alert::rule).containsExactly(Rule.CONSECUTIVE_FAILURES);
    assertThat(alerts.get(0).message()).contains("disk full");
  }

  @Test
  void callbackThatThrows_isLoggedAndTheOtherAlertsStillCome() {
    List<Alert> seen = new ArrayList<>();
    CheckpointAlerts rule = CheckpointAlerts.builder(alert -> {
          seen.add(alert);
          throw new IllegalStateException("callback bug");
        })
        .consecutiveFailures(1).build();
    rule.onCheckpointStats(failed());
    rule.onCheckpointStats(completed(1, Duration.ZERO));
    rule.onCheckpointStats(failed());
    assertThat(seen).hasSize(2);
  }

  @Test
  void builder_withoutRulesOrWithARuleTwice_fails() {
    assertThatThrownBy(() -> CheckpointAlerts.builder(alerts::add).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no rule");
    assertThatThrownBy(() -> CheckpointAlerts.builder(alerts::add).consecutiveFailures(1).consecutiveFailures(2))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already set to 1");
    assertThatThrownBy(() -> CheckpointAlerts.builder(alerts::add).stateGrowingFor(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
