package dev.cairn.state.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.BackendClosedException;
import dev.cairn.state.KeyGroupOutOfRangeException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.kit.QueryableStateContract;
import dev.cairn.state.query.StateView;
import dev.cairn.state.query.StateViews;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.KeyGroupRange;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeapQueryableStateTest implements QueryableStateContract {

  private static final ValueStateDescriptor<Long> COUNT = StateDescriptors.value("count", Serializers.LONG);

  @Override
  public KeyedStateBackend<Long> createQueryableBackend() {
    return HeapStateBackend.builder(Serializers.LONG).build();
  }

  private static int pinned(KeyedStateBackend<Long> backend) {
    return ((HeapKeyedStateBackend<Long>) backend).pinnedVersions();
  }

  @Test
  void versions_areUnpinned_whenSupersededAndClosed_orExpired() throws Exception {
    try (KeyedStateBackend<Long> backend = createQueryableBackend();
        StateViews<Long> views = StateViews.builder(backend)
            .maxStaleness(Duration.ofMillis(50)).maxLifetime(Duration.ofMillis(300)).build()) {
      ValueState<Long> count = backend.getState(COUNT);
      backend.setCurrentKey(1L);
      count.update(1L);
      views.publish();
      StateView<Long> first = views.acquire();
      views.publish();
      assertThat(pinned(backend)).as("the first view is still open").isEqualTo(2);
      first.close();
      assertThat(pinned(backend)).as("superseded and closed").isEqualTo(1);
      Thread.sleep(200);
      assertThat(pinned(backend)).as("older than the staleness and not in use").isZero();

      views.publish();
      StateView<Long> forgotten = views.acquire();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (pinned(backend) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(pinned(backend)).as("released by the lifetime timer although still open").isZero();
      forgotten.close();
    }
  }

  @Test
  void view_sharesStructuresUntilTheTaskThreadWrites_thenTheTaskThreadCopies() throws Exception {
    try (KeyedStateBackend<Long> backend = createQueryableBackend();
        StateViews<Long> views = StateViews.of(backend)) {
      ValueState<Long> count = backend.getState(COUNT);
      for (long key = 0; key < 10_000; key++) {
        backend.setCurrentKey(key);
        count.update(key);
      }
      views.publish();
      try (StateView<Long> view = views.acquire()) {
        for (long key = 0; key < 10_000; key++) {
          backend.setCurrentKey(key);
          count.update(-key);
        }
        assertThat(view.value(COUNT, 42L)).isEqualTo(42L);
        backend.setCurrentKey(42L);
        assertThat(count.value()).isEqualTo(-42L);
      }
    }
  }

  @Test
  void view_ofAKeyOutsideTheRange_failsNamingTheKeyGroup() throws Exception {
    try (KeyedStateBackend<Long> backend =
            HeapStateBackend.builder(Serializers.LONG).keyGroupRange(KeyGroupRange.forInstance(128, 2, 0)).build();
        StateViews<Long> views = StateViews.of(backend)) {
      backend.getState(COUNT);
      views.publish();
      try (StateView<Long> view = views.acquire()) {
        long outside = 0;
        while (backend.keyGroupRange().contains(dev.cairn.state.spi.KeyGroups.assign(Serializers.LONG, outside, 128))) {
          outside++;
        }
        long key = outside;
        assertThatThrownBy(() -> view.value(COUNT, key)).isInstanceOf(KeyGroupOutOfRangeException.class)
            .hasMessageContaining("key " + key);
      }
    }
  }

  @Test
  void view_afterTheBackendIsClosed_failsWithBackendClosed() throws Exception {
    KeyedStateBackend<Long> backend = createQueryableBackend();
    try (StateViews<Long> views = StateViews.of(backend)) {
      backend.getState(COUNT);
      views.publish();
      StateView<Long> view = views.acquire();
      backend.close();
      assertThatThrownBy(() -> view.keys("count").toList()).isInstanceOf(BackendClosedException.class);
      view.close();
    }
  }
}
