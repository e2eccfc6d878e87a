package dev.cairn.ttl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.StateRegistrationException;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.serde.Serializers;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** TTL declared on descriptors: which states get it, and what the decorator refuses. */
class TtlDescriptorTest {

  private static final TtlConfig TTL_100 = TtlConfig.builder(Duration.ofMillis(100)).build();
  private static final ValueStateDescriptor<Long> VALUE = StateDescriptors.value("value", Serializers.LONG);
  private static final MapStateDescriptor<String, Long> MAP =
      StateDescriptors.map("map", Serializers.STRING, Serializers.LONG);

  @ParameterizedTest
  @EnumSource(Backends.class)
  void descriptorTtl_onlyThatStateExpires_othersPassThroughUntouched(Backends kind) {
    ManualClock clock = new ManualClock(1_000);
    try (TtlStateBackend<Long> backend = TtlStateBackend.wrap(kind.create(Serializers.LONG), clock)) {
      backend.setCurrentKey(1L);
      ValueState<Long> value = backend.getState(VALUE.withTtl(TTL_100));
      MapState<String, Long> map = backend.getState(MAP);
      value.update(7L);
      map.put("k", 8L);

      clock.set(1_100);

      assertThat(value.value()).isNull();
      assertThat(map.get("k")).isEqualTo(8L);
      assertThat(backend.wrapped().getState(MAP).get("k")).isEqualTo(8L); // stored as is: no envelope
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void descriptorTtl_overridesTheDefault(Backends kind) {
    ManualClock clock = new ManualClock(1_000);
    TtlConfig day = TtlConfig.builder(Duration.ofDays(1)).build();
    try (TtlStateBackend<Long> backend = TtlStateBackend.wrap(kind.create(Serializers.LONG), day, clock)) {
      backend.setCurrentKey(1L);
      backend.getState(VALUE.withTtl(TTL_100)).update(7L);
      backend.getState(MAP).put("k", 8L);

      clock.set(1_100);

      assertThat(backend.getState(VALUE.withTtl(TTL_100)).value()).isNull();
      assertThat(backend.getState(MAP).get("k")).isEqualTo(8L);
      try (Stream<Long> keys = backend.keys(MAP.name())) {
        assertThat(keys).containsExactly(1L);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Backends.class)
  void getState_sameNameOtherTtl_refusedNamingBoth(Backends kind) {
    try (TtlStateBackend<Long> backend = TtlStateBackend.wrap(kind.create(Serializers.LONG), new ManualClock(0))) {
      backend.getState(VALUE.withTtl(TTL_100));
      TtlConfig other = TtlConfig.builder(Duration.ofMillis(200)).build();

      assertThat(backend.getState(VALUE.withTtl(TtlConfig.builder(Duration.ofMillis(100)).build()))).isNotNull();
      assertThatThrownBy(() -> backend.getState(VALUE.withTtl(other)))
          .isInstanceOf(StateRegistrationException.class)
          .hasMessageContaining("'value'")
          .hasMessageContaining("PT0.1S")
          .hasMessageContaining("PT0.2S");
      assertThatThrownBy(() -> backend.getState(VALUE))
          .isInstanceOf(StateRegistrationException.class)
          .hasMessageContaining("no TTL");
    }
  }
}
