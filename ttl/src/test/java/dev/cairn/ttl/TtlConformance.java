package dev.cairn.ttl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.ValueState;
import dev.cairn.state.kit.ConformanceKit;
import dev.cairn.state.serde.Serializers;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The conformance kit over the TTL decorator, which accepts the descriptors with TTL that bare backends refuse. */
interface TtlConformance extends ConformanceKit {

  @Override
  @Test
  default void getState_descriptorWithTtl_refusedNamingStateAndDecorator() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> count =
        backend.getState(StateDescriptors.value("count", Serializers.LONG).withTtl(TtlConfig.builder(Duration.ofDays(1)).build()));
    backend.setCurrentKey(1L);

    count.update(5L);

    assertThat(count.value()).isEqualTo(5L);
  }
}
