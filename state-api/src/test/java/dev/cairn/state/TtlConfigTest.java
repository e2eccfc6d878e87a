package dev.cairn.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TtlConfigTest {

  @Test
  void build_defaults_createAndWriteNeverReturnExpiredIncrementalCleanup() {
    TtlConfig config = TtlConfig.builder(Duration.ofSeconds(5)).build();

    assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.updateType()).isEqualTo(TtlUpdateType.ON_CREATE_AND_WRITE);
    assertThat(config.visibility()).isEqualTo(TtlVisibility.NEVER_RETURN_EXPIRED);
    assertThat(config.cleanupInFullSnapshot()).isFalse();
    assertThat(config.cleanupKeysPerWrite()).isEqualTo(TtlConfig.DEFAULT_CLEANUP_KEYS_PER_WRITE).isPositive();
    assertThat(config.cleanupKeysPerRecord()).isZero();
    assertThat(config.cleanupInterval()).isNull();
  }

  @Test
  void builder_optionSetTwice_failsFastNamingTheValue() {
    assertThatThrownBy(() -> TtlConfig.builder(Duration.ofSeconds(1))
            .updateType(TtlUpdateType.ON_READ_AND_WRITE).updateType(TtlUpdateType.ON_CREATE_AND_WRITE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("update type was already set to ON_READ_AND_WRITE");
    assertThatThrownBy(() -> TtlConfig.builder(Duration.ofSeconds(1))
            .visibility(TtlVisibility.NEVER_RETURN_EXPIRED).visibility(TtlVisibility.NEVER_RETURN_EXPIRED))
        .hasMessageContaining("already set to NEVER_RETURN_EXPIRED");
    assertThatThrownBy(() -> TtlConfig.builder(Duration.ofSeconds(1)).cleanupIncrementally(5).cleanupIncrementally(6))
        .hasMessageContaining("already set to 5");
    assertThatThrownBy(() -> TtlConfig.builder(Duration.ofSeconds(1)).cleanupInFullSnapshot().cleanupInFullSnapshot())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> TtlConfig.builder(Duration.ofSeconds(1))
            .cleanupPeriodically(Duration.ofSeconds(1), 10).cleanupPeriodically(Duration.ofSeconds(2), 10))
        .hasMessageContaining("already set to PT1S");
  }

  @Test
  void disableCleanupInBackground_noIncrementalCleanup_andExclusiveWithIt() {
    assertThat(TtlConfig.builder(Duration.ofSeconds(1)).disableCleanupInBackground().build().cleanupKeysPerWrite())
        .isZero();
    assertThatThrownBy(() -> TtlConfig.builder(Duration.ofSeconds(1)).cleanupIncrementally(5).disableCleanupInBackground())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set to 5");
  }

  @Test
  void builder_invalidValues_rejected() {
    assertThatThrownBy(() -> TtlConfig.builder(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TtlConfig.builder(Duration.ofNanos(999_999))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TtlConfig.builder(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TtlConfig.builder(Duration.ofSeconds(1)).cleanupIncrementally(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TtlConfig.builder(Duration.ofSeconds(1)).cleanupPeriodically(Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isExpired_atLastAccessPlusTtl_expiredOneMillisecondBeforeLive() {
    TtlConfig config = TtlConfig.builder(Duration.ofMillis(100)).build();

    assertThat(config.isExpired(1_000, 1_099)).isFalse();
    assertThat(config.isExpired(1_000, 1_100)).isTrue();
  }

  @Test
  void isExpired_lastAccessPlusTtlOverflows_clampedToMaxValue() {
    TtlConfig huge = TtlConfig.builder(Duration.ofSeconds(Long.MAX_VALUE)).build();
    TtlConfig day = TtlConfig.builder(Duration.ofDays(1)).build();

    assertThat(huge.expiresAt(1_000)).isEqualTo(Long.MAX_VALUE);
    assertThat(day.expiresAt(Long.MAX_VALUE - 5)).isEqualTo(Long.MAX_VALUE);
    assertThat(day.isExpired(Long.MAX_VALUE - 5, Long.MAX_VALUE - 1)).isFalse();
    assertThat(day.isExpired(Long.MAX_VALUE - 5, Long.MAX_VALUE)).isTrue();
  }
}
