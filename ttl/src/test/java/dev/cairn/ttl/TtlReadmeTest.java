package dev.cairn.ttl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.StateRegistrationException;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.TtlUpdateType;
import dev.cairn.state.TtlVisibility;
import dev.cairn.state.ValueState;
import dev.cairn.state.serde.Serializers;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The module README's example, on each backend (a manual clock in place of the system clock). */
class TtlReadmeTest {

  @ParameterizedTest
  @EnumSource(Backends.class)
  void readmeExample_ttlStateExpiresAndStateWithoutTtlStays(Backends kind) {
    ManualClock clock = new ManualClock(0);
    try (KeyedStateBackend<String> backend = TtlStateBackend.wrap(kind.create(Serializers.STRING), clock)) {
      ValueState<Long> lastSeen = backend.getState(StateDescriptors.value("last-seen", Serializers.LONG)
          .withTtl(TtlConfig.builder(Duration.ofMinutes(30))
              .updateType(TtlUpdateType.ON_CREATE_AND_WRITE)
              .visibility(TtlVisibility.NEVER_RETURN_EXPIRED)
              .cleanupInFullSnapshot()
              .build()));
      ValueState<Long> total = backend.getState(StateDescriptors.value("total", Serializers.LONG));
      backend.setCurrentKey("alice");
      lastSeen.update(1L);
      total.update(2L);

      clock.set(Duration.ofMinutes(30).toMillis());

      assertThat(lastSeen.value()).isNull();
      assertThat(total.value()).isEqualTo(2L);
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void readme_bareBackend_refusesDescriptorWithTtl(Backends kind) {
    try (KeyedStateBackend<String> bare = kind.create(Serializers.STRING)) {
      assertThatThrownBy(() -> bare.getState(StateDescriptors.value("last-seen", Serializers.LONG)
              .withTtl(TtlConfig.builder(Duration.ofMinutes(30)).build())))
          .isInstanceOf(StateRegistrationException.class)
          .hasMessageContaining("TtlStateBackend");
    }
  }
}
