package dev.cairn.state.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cairn.state.BackendClosedException;
import dev.cairn.state.KeyGroupOutOfRangeException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.NoCurrentKeyException;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.StateRegistrationException;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.WrongThreadException;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.KeyGroups;
import dev.cairn.state.spi.Snapshotable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The backend itself: registration, key enumeration, {@code applyToAllKeys}, current key and key
 * groups, closing, and sizes (large values, many keys).
 */
public interface BackendContract extends KitSupport {

  private static ValueStateDescriptor<Long> count() {
    return StateDescriptors.value("count", Serializers.LONG);
  }

  @Test
  default void getState_sameNameOtherKind_throwsStateRegistrationNamingState() {
    KeyedStateBackend<Long> backend = backend();
    backend.getState(count());

    assertThatThrownBy(() -> backend.getState(StateDescriptors.list("count", Serializers.LONG)))
        .isInstanceOf(StateRegistrationException.class)
        .hasMessageContaining("count");
  }

  @Test
  default void getState_sameNameOtherSerializer_throwsStateRegistrationNamingState() {
    KeyedStateBackend<Long> backend = backend();
    backend.getState(count());
    backend.getState(StateDescriptors.map("m", Serializers.STRING, Serializers.LONG));

    assertThatThrownBy(() -> backend.getState(StateDescriptors.value("count", Serializers.INT)))
        .isInstanceOf(StateRegistrationException.class)
        .hasMessageContaining("count");
    assertThatThrownBy(() -> backend.getState(StateDescriptors.map("m", Serializers.INT, Serializers.LONG)))
        .isInstanceOf(StateRegistrationException.class)
        .hasMessageContaining("m");
  }

  /** A backend that implements TTL (the TTL decorator) overrides this with its own test. */
  @Test
  default void getState_descriptorWithTtl_refusedNamingStateAndDecorator() {
    KeyedStateBackend<Long> backend = backend();

    assertThatThrownBy(() -> backend.getState(count().withTtl(TtlConfig.builder(Duration.ofMinutes(1)).build())))
        .isInstanceOf(StateRegistrationException.class)
        .hasMessageContaining("count")
        .hasMessageContaining("TtlStateBackend");
  }

  @Test
  default void getState_rejectedRegistration_existingStateUnchanged() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> state = backend.getState(count());
    backend.setCurrentKey(1L);
    state.update(5L);

    assertThatThrownBy(() -> backend.getState(StateDescriptors.value("count", Serializers.STRING)))
        .isInstanceOf(StateRegistrationException.class);

    assertThat(backend.getState(count()).value()).isEqualTo(5L);
  }

  @Test
  default void getState_equalDescriptor_sharesTheState() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> first = backend.getState(count());
    backend.setCurrentKey(1L);
    first.update(5L);

    ValueState<Long> second = backend.getState(count());

    assertThat(second.value()).isEqualTo(5L);
  }

  @Test
  default void getState_sameDescriptorOnTwoBackends_statesIndependent() {
    ValueStateDescriptor<Long> descriptor = count();
    KeyedStateBackend<Long> one = backend();
    KeyedStateBackend<Long> two = backend();
    ValueState<Long> first = one.getState(descriptor);
    ValueState<Long> second = two.getState(descriptor);
    one.setCurrentKey(1L);
    two.setCurrentKey(1L);

    first.update(1L);

    assertThat(second.value()).isNull();
    assertThat(StateContents.keys(two, "count")).isEmpty();
  }

  @Test
  default void getState_nameWithPathAndUnicodeCharacters_worksLikeAnyName() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> hostile = backend.getState(StateDescriptors.value("../../x/ünï cødé\\*", Serializers.LONG));
    ValueState<Long> plain = backend.getState(StateDescriptors.value("x", Serializers.LONG));
    backend.setCurrentKey(1L);

    hostile.update(1L);

    assertThat(plain.value()).isNull();
    assertThat(StateContents.keys(backend, "../../x/ünï cødé\\*")).containsExactly(1L);
  }

  @Test
  default void keys_statesOfEveryKind_listExactlyKeysWithState() {
    KeyedStateBackend<Long> backend = backend();
    AllKinds states = new AllKinds(backend).fill(0, 100);
    for (long key = 0; key < 100; key += 2) {
      backend.setCurrentKey(key);
      states.value.clear();
      states.list.update(List.of());
      states.map.remove((int) key);
      states.map.remove(-1);
      states.reducing.clear();
      states.aggregating.clear();
    }

    Long[] odd = LongStream.range(0, 100).filter(k -> k % 2 == 1).boxed().toArray(Long[]::new);
    for (StateDescriptor<?> descriptor : AllKinds.ALL) {
      assertThat(StateContents.keys(backend, descriptor.name())).as(descriptor.name()).containsExactlyInAnyOrder(odd);
    }
  }

  @Test
  default void keys_registeredStateWithoutData_isEmpty() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> state = backend.getState(count());
    backend.setCurrentKey(1L);
    state.value();

    assertThat(StateContents.keys(backend, "count")).isEmpty();
  }

  @Test
  default void keys_unknownState_throwsIllegalArgument() {
    KeyedStateBackend<Long> backend = backend();
    backend.getState(count());

    assertThatThrownBy(() -> {
          try (Stream<Long> keys = backend.keys("unknown")) {
            keys.count();
          }
        })
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown");
  }

  @Test
  default void applyToAllKeys_keysWithState_visitsEachOnceWithCurrentKeySet() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> state = backend.getState(count());
    for (long key = 0; key < 50; key++) {
      backend.setCurrentKey(key);
      state.update(key * 2);
    }
    List<Long> visited = new ArrayList<>();

    backend.applyToAllKeys(
        count(),
        (key, s) -> {
          assertThat(backend.getCurrentKey()).isEqualTo(key);
          assertThat(s.value()).isEqualTo(key * 2);
          visited.add(key);
        });

    assertThat(visited).containsExactlyInAnyOrder(LongStream.range(0, 50).boxed().toArray(Long[]::new));
  }

  @Test
  default void applyToAllKeys_updateAndClear_applied() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> state = backend.getState(count());
    for (long key = 0; key < 50; key++) {
      backend.setCurrentKey(key);
      state.update(key);
    }

    backend.applyToAllKeys(
        count(),
        (key, s) -> {
          if (key % 2 == 0) {
            s.clear();
          } else {
            s.update(s.value() + 100);
          }
        });

    for (long key = 0; key < 50; key++) {
      backend.setCurrentKey(key);
      assertThat(state.value()).isEqualTo(key % 2 == 0 ? null : key + 100);
    }
    assertThat(StateContents.keys(backend, "count")).hasSize(25);
  }

  @Test
  default void applyToAllKeys_mapState_iteratorRemoveAndPutApplied() {
    KeyedStateBackend<Long> backend = backend();
    MapState<Long, Long> state = backend.getState(StateDescriptors.map("m", Serializers.LONG, Serializers.LONG));
    for (long key = 0; key < 20; key++) {
      backend.setCurrentKey(key);
      state.put(1L, key);
    }

    backend.applyToAllKeys(
        StateDescriptors.map("m", Serializers.LONG, Serializers.LONG),
        (key, s) -> {
          var it = s.iterator();
          it.next();
          it.remove();
          if (key < 10) {
            s.put(2L, key);
          }
        });

    assertThat(StateContents.keys(backend, "m")).hasSize(10);
    backend.setCurrentKey(3L);
    assertThat(state.get(2L)).isEqualTo(3L);
    assertThat(state.contains(1L)).isFalse();
  }

  @Test
  default void applyToAllKeys_afterwards_currentKeyRestored() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> state = backend.getState(count());
    for (long key = 0; key < 10; key++) {
      backend.setCurrentKey(key);
      state.update(key);
    }
    backend.setCurrentKey(1_000L);

    backend.applyToAllKeys(count(), (key, s) -> s.update(0L));

    assertThat(backend.getCurrentKey()).isEqualTo(1_000L);
    assertThat(backend.getCurrentKeyGroup()).isEqualTo(KeyGroups.assign(Serializers.LONG, 1_000L, 128));
    assertThat(state.value()).isNull();
  }

  @Test
  default void applyToAllKeys_noCurrentKeyBefore_noCurrentKeyAfter() {
    KeyedStateBackend<Long> other = backend();
    ValueState<Long> otherState = other.getState(count());
    other.setCurrentKey(1L);
    otherState.update(1L);
    KeyedStateBackend<Long> fresh = restored(other, snapshotOf(other).input());
    List<Long> visited = new ArrayList<>();

    fresh.applyToAllKeys(count(), (key, s) -> visited.add(key));

    assertThat(visited).containsExactly(1L);
    assertThat(fresh.getCurrentKey()).isNull();
    assertThat(fresh.getCurrentKeyGroup()).isEqualTo(-1);
  }

  @Test
  default void stateAccess_withoutCurrentKey_throwsNoCurrentKey() {
    KeyedStateBackend<Long> backend = backend();
    List<ThrowingCallable> accesses = stateAccesses(new AllKinds(backend));

    for (int i = 0; i < accesses.size(); i++) {
      assertThatThrownBy(accesses.get(i)).as("access #%d", i).isInstanceOf(NoCurrentKeyException.class);
    }
    for (StateDescriptor<?> descriptor : AllKinds.ALL) {
      assertThat(StateContents.keys(backend, descriptor.name())).isEmpty();
    }
  }

  @Test
  default void secondThread_whileOwnerRuns_isRefusedNamingBothThreads() throws Exception {
    KeyedStateBackend<Long> backend = backend();
    AllKinds states = new AllKinds(backend); // registered on this thread: allowed before the first key
    CountDownLatch owned = new CountDownLatch(1);
    CountDownLatch checked = new CountDownLatch(1);
    List<Throwable> ownerFailures = new CopyOnWriteArrayList<>();
    Thread owner = new Thread(() -> {
      try {
        states.fill(1, 3);
        backend.setCurrentKey(1L);
        owned.countDown();
        checked.await();
        assertThat(backend.getCurrentKey()).as("the owner's current key").isEqualTo(1L);
        assertThat(states.value.value()).isEqualTo("v1");
        states.reducing.add(10L);
      } catch (Throwable t) {
        ownerFailures.add(t);
        owned.countDown();
      }
    }, "kit-owner");
    owner.start();
    owned.await();
    String offending = Thread.currentThread().getName();

    List<ThrowingCallable> calls = new ArrayList<>(stateAccesses(states));
    calls.add(() -> backend.setCurrentKey(2L));
    calls.add(() -> backend.getState(StateDescriptors.value("registered-late", Serializers.LONG)));
    calls.add(() -> backend.keys(AllKinds.VALUE.name()).close());
    calls.add(() -> backend.applyToAllKeys(AllKinds.VALUE, (k, s) -> {}));
    calls.add(() -> Snapshotable.of(backend).snapshot(1).close());
    for (int i = 0; i < calls.size(); i++) {
      assertThat(catchThrowable(calls.get(i))).as("call #%d", i)
          .isInstanceOf(WrongThreadException.class)
          .hasMessageContaining("'kit-owner'")
          .hasMessageContaining("'" + offending + "'");
    }
    checked.countDown();
    owner.join();
    assertThat(ownerFailures).isEmpty();

    // once the owner has ended, the backend passes to the next thread that uses it
    backend.setCurrentKey(1L);
    assertThat(states.reducing.get()).isEqualTo(1L + 1L + 10L);
    assertThat(contents(backend, AllKinds.VALUE).get(AllKinds.VALUE.name())).containsOnlyKeys(1L, 2L);
  }

  @Test
  default void firstKeySetOnAnotherThread_thatThreadOwnsTheBackend() throws Exception {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> state = backend.getState(count());
    Thread worker = new Thread(() -> {
      backend.setCurrentKey(1L);
      state.update(7L);
    });
    worker.start();
    worker.join();

    backend.setCurrentKey(1L);

    assertThat(state.value()).isEqualTo(7L);
  }

  /** Every operation of every state handle; iterables are iterated (a decorator may return lazy ones). */
  private static List<ThrowingCallable> stateAccesses(AllKinds states) {
    var value = states.value;
    var list = states.list;
    var map = states.map;
    var reducing = states.reducing;
    var aggregating = states.aggregating;
    return List.of(
        value::value, () -> value.update("x"), value::clear,
        () -> list.get().iterator().hasNext(), () -> list.add(1L), () -> list.addAll(List.of(1L)),
        () -> list.update(List.of(1L)), list::clear,
        () -> map.get(1), () -> map.put(1, "x"), () -> map.putAll(Map.of(1, "x")), () -> map.remove(1),
        () -> map.contains(1), () -> map.entries().iterator().hasNext(), () -> map.keys().iterator().hasNext(),
        () -> map.values().iterator().hasNext(), () -> map.iterator().hasNext(), map::isEmpty, map::clear,
        reducing::get, () -> reducing.add(1L), reducing::clear,
        aggregating::get, () -> aggregating.add(1), aggregating::clear);
  }

  @Test
  default void getCurrentKey_beforeAnyKeySet_nullAndKeyGroupMinusOne() {
    KeyedStateBackend<Long> backend = backend();

    assertThat(backend.getCurrentKey()).isNull();
    assertThat(backend.getCurrentKeyGroup()).isEqualTo(-1);
  }

  @Test
  default void setCurrentKey_key_reportsKeyAndItsKeyGroup() {
    KeyedStateBackend<String> backend = backend(Serializers.STRING);

    backend.setCurrentKey("alice");

    assertThat(backend.getCurrentKey()).isEqualTo("alice");
    assertThat(backend.getCurrentKeyGroup()).isEqualTo(KeyGroups.assign(Serializers.STRING, "alice", 128));
  }

  @Test
  default void setCurrentKey_null_throwsNpe() {
    KeyedStateBackend<Long> backend = backend();

    assertThatThrownBy(() -> backend.setCurrentKey(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  default void setCurrentKey_keyOutsideRange_throwsKeyGroupOutOfRange() {
    KeyGroupRange lowerHalf = KeyGroupRange.forInstance(128, 2, 0);
    KeyedStateBackend<Long> backend = backend(Serializers.LONG, 128, lowerHalf);
    long outside = LongStream.iterate(0, k -> k + 1)
        .filter(k -> !lowerHalf.contains(KeyGroups.assign(Serializers.LONG, k, 128)))
        .findFirst()
        .orElseThrow();
    long inside = LongStream.iterate(0, k -> k + 1)
        .filter(k -> lowerHalf.contains(KeyGroups.assign(Serializers.LONG, k, 128)))
        .findFirst()
        .orElseThrow();

    backend.setCurrentKey(inside);
    assertThatThrownBy(() -> backend.setCurrentKey(outside)).isInstanceOf(KeyGroupOutOfRangeException.class);
  }

  @Test
  default void configuration_reportedAsBuilt() {
    KeyGroupRange range = KeyGroupRange.forInstance(256, 3, 1);
    KeyedStateBackend<String> backend = backend(Serializers.STRING, 256, range);

    assertThat(backend.maxParallelism()).isEqualTo(256);
    assertThat(backend.keyGroupRange()).isEqualTo(range);
    assertThat(backend.keySerializer()).isSameAs(Serializers.STRING);
  }

  @Test
  default void close_thenBackendOperations_throwBackendClosed() {
    KeyedStateBackend<Long> backend = backend();
    backend.getState(count());
    backend.setCurrentKey(1L);

    backend.close();

    List<ThrowingCallable> calls =
        List.of(
            () -> backend.setCurrentKey(2L),
            backend::getCurrentKey,
            backend::getCurrentKeyGroup,
            () -> backend.getState(count()),
            () -> backend.getState(StateDescriptors.list("new", Serializers.LONG)),
            () -> backend.keys("count").close(),
            () -> backend.applyToAllKeys(count(), (k, s) -> {}),
            () -> Snapshotable.of(backend).snapshot(1),
            () -> Snapshotable.of(backend).restore(List.of(new MemorySnapshotStore().input())));
    for (int i = 0; i < calls.size(); i++) {
      assertThatThrownBy(calls.get(i)).as("call #%d", i).isInstanceOf(BackendClosedException.class);
    }
  }

  @Test
  default void close_thenStateHandleOperations_throwBackendClosed() {
    KeyedStateBackend<Long> backend = backend();
    AllKinds states = new AllKinds(backend).fill(1, 2);

    backend.close();

    List<ThrowingCallable> accesses = stateAccesses(states);
    for (int i = 0; i < accesses.size(); i++) {
      assertThatThrownBy(accesses.get(i)).as("access #%d", i).isInstanceOf(BackendClosedException.class);
    }
  }

  @Test
  default void close_thenConfigurationAccessors_throwBackendClosed() {
    KeyedStateBackend<Long> backend = backend();

    backend.close();

    assertThatThrownBy(backend::keySerializer).isInstanceOf(BackendClosedException.class);
    assertThatThrownBy(backend::maxParallelism).isInstanceOf(BackendClosedException.class);
    assertThatThrownBy(backend::keyGroupRange).isInstanceOf(BackendClosedException.class);
  }

  @Test
  default void close_twice_isIdempotent() {
    KeyedStateBackend<Long> backend = backend();
    backend.getState(count());

    backend.close();

    assertThatCode(backend::close).doesNotThrowAnyException();
  }

  @Test
  default void valueState_10MiBValue_readBackIntact() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<byte[]> state = backend.getState(StateDescriptors.value("big", Serializers.BYTES));
    byte[] big = TestValues.bigArray(1);
    backend.setCurrentKey(1L);

    state.update(big);

    assertThat(Arrays.equals(state.value(), big)).isTrue();
  }

  @Test
  default void listState_10MiBElements_readBackIntact() {
    KeyedStateBackend<Long> backend = backend();
    ListState<byte[]> state = backend.getState(StateDescriptors.list("big", Serializers.BYTES));
    byte[] first = TestValues.bigArray(2);
    byte[] second = TestValues.bigArray(3);
    backend.setCurrentKey(1L);

    state.add(first);
    state.add(second);

    List<byte[]> read = new ArrayList<>();
    state.get().forEach(read::add);
    assertThat(read).hasSize(2);
    assertThat(Arrays.equals(read.get(0), first)).isTrue();
    assertThat(Arrays.equals(read.get(1), second)).isTrue();
  }

  @Test
  default void mapState_10MiBValue_readBackIntact() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, byte[]> state =
        backend.getState(StateDescriptors.map("big", Serializers.STRING, Serializers.BYTES));
    byte[] big = TestValues.bigArray(4);
    backend.setCurrentKey(1L);

    state.put("a", big);
    state.put("b", new byte[0]);

    assertThat(Arrays.equals(state.get("a"), big)).isTrue();
    assertThat(state.get("b")).isEmpty();
  }

  @Test
  default void valueState_millionKeys_writtenReadBackAndListed() {
    int n = 1_000_000;
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> state = backend.getState(count());
    for (long key = 0; key < n; key++) {
      backend.setCurrentKey(key);
      state.update(key * 3);
    }

    for (long key = 0; key < n; key++) {
      backend.setCurrentKey(key);
      if (state.value() != key * 3) {
        throw new AssertionError("key " + key + " reads " + state.value() + ", expected " + key * 3);
      }
    }
    try (Stream<Long> keys = backend.keys("count")) {
      assertThat(keys.count()).isEqualTo(n);
    }
  }
}
