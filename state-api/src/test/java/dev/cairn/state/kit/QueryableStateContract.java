package dev.cairn.state.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.AggregatingState;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.ReducingState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.query.StateView;
import dev.cairn.state.query.StateViews;
import dev.cairn.state.query.ViewClosedException;
import dev.cairn.state.query.ViewExpiredException;
import dev.cairn.state.query.ViewTimeoutException;
import dev.cairn.state.serde.Serializers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Queryable state ({@link StateViews}): reads of every kind from other threads, one point in time
 * per view under concurrent writes, lifetime and close. Not part of {@link ConformanceKit}: backends
 * (and the TTL decorator) implement it with a factory of their own. Whether a closed view released
 * what it pinned is backend-specific and tested next to each backend.
 */
public interface QueryableStateContract {

  /** Creates a new, empty backend of {@code Long} keys owning every key group. The test closes it. */
  KeyedStateBackend<Long> createQueryableBackend();

  /** Reads {@code read} on a new thread (views are for threads other than the task thread). */
  /**
   * Views for tests that publish one and then acquire it, on a thread that may start late on a
   * loaded machine: they stay fresh for 30 s (the default, 100 ms, would make the reader wait for a
   * refresh() that these tests never call).
   */
  private static StateViews<Long> publishedViews(KeyedStateBackend<Long> backend) {
    return StateViews.builder(backend).maxStaleness(Duration.ofSeconds(30)).build();
  }

  private static <T> T onAnotherThread(java.util.concurrent.Callable<T> read) throws Exception {
    AtomicReference<Object> result = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try {
        result.set(read.call());
      } catch (Throwable t) {
        result.set(t);
      }
    }, "view-reader");
    reader.start();
    reader.join();
    if (result.get() instanceof Exception e) {
      throw e;
    }
    if (result.get() instanceof Error e) {
      throw e;
    }
    @SuppressWarnings("unchecked")
    T value = (T) result.get();
    return value;
  }

  @Test
  default void view_readsEveryKindAndKey_fromAnotherThread() throws Exception {
    try (KeyedStateBackend<Long> backend = createQueryableBackend();
        StateViews<Long> views = publishedViews(backend)) {
      AllKinds states = new AllKinds(backend).fill(0, 100);
      ValueStateDescriptor<String> withDefault = StateDescriptors.value("value-state", Serializers.STRING, "none");
      views.publish();
      List<Object> read = onAnotherThread(() -> {
        try (StateView<Long> view = views.acquire()) {
          return Arrays.asList(
              view.value(AllKinds.VALUE, 7L), view.value(withDefault, 1_000L), view.list(AllKinds.LIST, 7L),
              view.list(AllKinds.LIST, 1_000L), view.get(AllKinds.MAP, 7L, 7), view.contains(AllKinds.MAP, 7L, -1),
              view.contains(AllKinds.MAP, 7L, 3), view.get(AllKinds.MAP, 1_000L, 1),
              view.entries(AllKinds.MAP, 7L).map(e -> e.getKey() + "=" + e.getValue()).sorted().toList(),
              view.reduced(AllKinds.REDUCING, 7L), view.aggregated(AllKinds.AGGREGATING, 7L),
              view.keys(AllKinds.MAP.name()).sorted().toList());
        }
      });
      backend.setCurrentKey(7L);
      List<String> entries = new ArrayList<>();
      for (Map.Entry<Integer, String> entry : states.map.entries()) {
        entries.add(entry.getKey() + "=" + entry.getValue());
      }
      assertThat(read).containsExactly(
          states.value.value(), "none", states.list.get(), List.of(), states.map.get(7), true, false, null,
          entries.stream().sorted().toList(), states.reducing.get(), states.aggregating.get(),
          LongStream.range(0, 100).boxed().toList());
    }
  }

  @Test
  default void view_keepsItsPointInTime_whileTheTaskThreadWrites() throws Exception {
    try (KeyedStateBackend<Long> backend = createQueryableBackend();
        StateViews<Long> views = publishedViews(backend)) {
      ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG));
      ValueStateDescriptor<Long> descriptor = StateDescriptors.value("count", Serializers.LONG);
      for (long key = 0; key < 1_000; key++) {
        backend.setCurrentKey(key);
        count.update(1L);
      }
      views.publish();
      StateView<Long> before = onAnotherThread(views::acquire);
      for (long key = 0; key < 2_000; key++) {
        backend.setCurrentKey(key);
        count.update(key < 1_000 ? null : 2L);
      }
      views.publish();
      try (StateView<Long> after = onAnotherThread(views::acquire)) {
        assertThat(onAnotherThread(() -> before.keys("count").count())).isEqualTo(1_000);
        assertThat(onAnotherThread(() -> before.value(descriptor, 5L))).isEqualTo(1L);
        assertThat(onAnotherThread(() -> after.keys("count").count())).isEqualTo(1_000);
        assertThat(onAnotherThread(() -> after.value(descriptor, 5L))).isNull();
        assertThat(onAnotherThread(() -> after.value(descriptor, 1_500L))).isEqualTo(2L);
      } finally {
        before.close();
      }
    }
  }

  /**
   * The test: each record updates a pair of keys in every kind of state; readers on three
   * threads check, in every view they get, that both keys of a pair agree.
   */
  @Test
  default void views_underConcurrentWrites_neverShowHalfARecord() throws Exception {
    ValueStateDescriptor<Long> valueDescriptor = StateDescriptors.value("value", Serializers.LONG);
    var listDescriptor = StateDescriptors.list("list", Serializers.LONG);
    var mapDescriptor = StateDescriptors.map("map", Serializers.STRING, Serializers.LONG);
    var reducingDescriptor = StateDescriptors.reducing("reducing", Long::sum, Serializers.LONG);
    var aggregatingDescriptor = StateDescriptors.aggregating("aggregating", AllKinds.Describe.INSTANCE, Serializers.LONG);
    int pairs = 64;
    try (KeyedStateBackend<Long> backend = createQueryableBackend();
        StateViews<Long> views = StateViews.builder(backend).maxStaleness(Duration.ofMillis(1)).build()) {
      ValueState<Long> value = backend.getState(valueDescriptor);
      ListState<Long> list = backend.getState(listDescriptor);
      MapState<String, Long> map = backend.getState(mapDescriptor);
      ReducingState<Long> reducing = backend.getState(reducingDescriptor);
      AggregatingState<Integer, String> aggregating = backend.getState(aggregatingDescriptor);
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicLong viewsChecked = new AtomicLong();
      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        Thread reader = new Thread(() -> {
          try {
            while (!done.get()) {
              try (StateView<Long> view = views.acquire()) {
                long keysWithValue = view.keys("value").count();
                assertThat(keysWithValue % 2).as("keys come in pairs").isZero();
                for (int i = 0; i < 8; i++) {
                  long pair = ThreadLocalRandom.current().nextInt(pairs);
                  long left = 2 * pair;
                  long right = left + 1;
                  assertThat(view.value(valueDescriptor, right)).isEqualTo(view.value(valueDescriptor, left));
                  assertThat(view.list(listDescriptor, right)).isEqualTo(view.list(listDescriptor, left));
                  assertThat(view.get(mapDescriptor, right, "last")).isEqualTo(view.get(mapDescriptor, left, "last"));
                  assertThat(view.entries(mapDescriptor, right).count())
                      .isEqualTo(view.entries(mapDescriptor, left).count());
                  assertThat(view.reduced(reducingDescriptor, right)).isEqualTo(view.reduced(reducingDescriptor, left));
                  assertThat(view.aggregated(aggregatingDescriptor, right))
                      .isEqualTo(view.aggregated(aggregatingDescriptor, left));
                }
                viewsChecked.incrementAndGet();
              }
            }
          } catch (Throwable t) {
            failure.compareAndSet(null, t);
          }
        }, "view-reader-" + r);
        readers.add(reader);
        reader.start();
      }
      long deadline = System.nanoTime() + Duration.ofMillis(1_500).toNanos();
      long record = 0;
      while ((System.nanoTime() < deadline || viewsChecked.get() < 20) && failure.get() == null) {
        record++;
        long pair = record % pairs;
        for (long key = 2 * pair; key <= 2 * pair + 1; key++) {
          backend.setCurrentKey(key);
          value.update(record);
          if (list.get().iterator().hasNext() && record % 5 == 0) {
            list.update(List.of(record));
          } else {
            list.add(record);
          }
          map.put("last", record);
          map.put("entry-" + (record % 7), record);
          reducing.add(record);
          aggregating.add((int) (record % 100));
        }
        views.refresh(); // the safe point between records
      }
      done.set(true);
      for (Thread reader : readers) {
        while (reader.isAlive()) {
          views.refresh(); // a reader may be waiting for one more view
          reader.join(1);
        }
      }
      assertThat(failure.get()).isNull();
      assertThat(viewsChecked.get()).isGreaterThanOrEqualTo(20);
    }
  }

  @Test
  default void view_outlivingItsLifetime_isClosedWithAClearError() throws Exception {
    try (KeyedStateBackend<Long> backend = createQueryableBackend();
        // a staleness of a whole lifetime: a reader thread scheduled late on a loaded machine must
        // still get the published view (the task thread here never calls refresh())
        StateViews<Long> views = StateViews.builder(backend)
            .maxStaleness(Duration.ofSeconds(1)).maxLifetime(Duration.ofSeconds(1)).build()) {
      ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG));
      backend.setCurrentKey(1L);
      count.update(1L);
      views.publish();
      StateView<Long> view = onAnotherThread(views::acquire);
      Stream<Long> keys = view.keys("count");
      Thread.sleep(1_300);
      assertThatThrownBy(() -> view.value(StateDescriptors.value("count", Serializers.LONG), 1L))
          .isInstanceOf(ViewExpiredException.class)
          .hasMessageContaining("maximum lifetime of PT1S")
          .hasMessageContaining("acquire a new one");
      assertThatThrownBy(() -> keys.count()).isInstanceOf(ViewExpiredException.class);
      view.close();
      views.publish();
      try (StateView<Long> fresh = onAnotherThread(views::acquire)) {
        assertThat(fresh.keys("count").toList()).containsExactly(1L);
      }
    }
  }

  @Test
  default void readsOfAClosedViewOrAfterStateViewsClose_failWithViewClosedException() throws Exception {
    try (KeyedStateBackend<Long> backend = createQueryableBackend()) {
      backend.getState(StateDescriptors.value("count", Serializers.LONG));
      StateViews<Long> views = publishedViews(backend);
      views.publish();
      StateView<Long> closedByReader = views.acquire();
      closedByReader.close();
      closedByReader.close();
      assertThatThrownBy(() -> closedByReader.keys("count")).isInstanceOf(ViewClosedException.class)
          .hasMessageContaining("closed by its reader");
      StateView<Long> open = views.acquire();
      views.close();
      assertThatThrownBy(() -> open.keys("count")).isInstanceOf(ViewClosedException.class)
          .hasMessageContaining("StateViews was closed");
      assertThatThrownBy(views::acquire).isInstanceOf(ViewClosedException.class);
      assertThat(views.refresh()).isFalse();
    }
  }

  @Test
  default void acquire_withoutRefresh_timesOutNamingTheTaskThread() throws Exception {
    try (KeyedStateBackend<Long> backend = createQueryableBackend();
        StateViews<Long> views = StateViews.builder(backend).acquireTimeout(Duration.ofMillis(100)).build()) {
      assertThatThrownBy(views::acquire).isInstanceOf(ViewTimeoutException.class)
          .hasMessageContaining("StateViews.refresh()");
      assertThat(views.refresh()).as("a reader asked").isTrue();
      assertThat(views.refresh()).as("nobody asked since").isFalse();
    }
  }

  @Test
  default void acquire_waitsForTheNextRefresh() throws Exception {
    try (KeyedStateBackend<Long> backend = createQueryableBackend();
        StateViews<Long> views = StateViews.of(backend)) {
      ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG));
      backend.setCurrentKey(3L);
      count.update(3L);
      AtomicReference<Object> read = new AtomicReference<>();
      Thread reader = new Thread(() -> {
        try (StateView<Long> view = views.acquire()) {
          read.set(view.keys("count").toList());
        } catch (Throwable t) {
          read.set(t);
        }
      });
      reader.start();
      while (reader.isAlive()) {
        views.refresh();
        Thread.sleep(1);
      }
      assertThat(read.get()).isEqualTo(List.of(3L));
    }
  }

  @Test
  default void rangeScan_returnsTheKeysInByteOrder() throws Exception {
    try (KeyedStateBackend<Long> backend = createQueryableBackend();
        StateViews<Long> views = publishedViews(backend)) {
      new AllKinds(backend).fill(0, 1_000);
      views.publish();
      try (StateView<Long> view = views.acquire()) {
        assertThat(view.keys(AllKinds.VALUE.name(), 100L, 200L).toList())
            .isEqualTo(LongStream.range(100, 200).boxed().toList());
        assertThat(view.keys(AllKinds.MAP.name(), 990L, 5_000L).toList())
            .isEqualTo(LongStream.range(990, 1_000).boxed().toList());
        assertThat(view.keys(AllKinds.LIST.name(), 200L, 100L).count()).isZero();
      }
    }
  }

  @Test
  default void reads_withTheWrongDescriptorOrState_failNamingTheState() throws Exception {
    try (KeyedStateBackend<Long> backend = createQueryableBackend();
        StateViews<Long> views = publishedViews(backend)) {
      backend.getState(StateDescriptors.value("count", Serializers.LONG));
      views.publish();
      try (StateView<Long> view = views.acquire()) {
        assertThatThrownBy(() -> view.keys("missing")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'missing'").hasMessageContaining("[count]");
        assertThatThrownBy(() -> view.list(StateDescriptors.list("count", Serializers.LONG), 1L))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'count' is VALUE state");
        assertThatThrownBy(() -> view.value(StateDescriptors.value("count", Serializers.STRING), 1L))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'count'");
        assertThatThrownBy(() -> view.value(StateDescriptors.value("count", Serializers.LONG), null))
            .isInstanceOf(NullPointerException.class);
      }
    }
  }
}
