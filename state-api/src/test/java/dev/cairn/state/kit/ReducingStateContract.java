package dev.cairn.state.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ReduceFunction;
import dev.cairn.state.ReducingState;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.serde.Serializers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ReducingState}: null when empty, the first add stored without calling the function, later
 * adds folded with the descriptor's function, {@code add(null)} rejected without change.
 */
public interface ReducingStateContract extends KitSupport {

  /** A sum that records each call as "accumulated+value". */
  private static ReducingStateDescriptor<Long> sum(List<String> calls) {
    ReduceFunction<Long> sum =
        (accumulated, value) -> {
          calls.add(accumulated + "+" + value);
          return accumulated + value;
        };
    return StateDescriptors.reducing("sum", sum, Serializers.LONG);
  }

  @Test
  default void get_empty_returnsNull() {
    KeyedStateBackend<Long> backend = backend();
    ReducingState<Long> state = backend.getState(sum(new ArrayList<>()));
    backend.setCurrentKey(1L);

    assertThat(state.get()).isNull();
  }

  @Test
  default void add_first_storesValueWithoutCallingFunction() {
    List<String> calls = new ArrayList<>();
    KeyedStateBackend<Long> backend = backend();
    ReducingState<Long> state = backend.getState(sum(calls));
    backend.setCurrentKey(1L);

    state.add(5L);

    assertThat(state.get()).isEqualTo(5L);
    assertThat(calls).isEmpty();
  }

  @Test
  default void add_next_foldsWithDescriptorFunction() {
    List<String> calls = new ArrayList<>();
    KeyedStateBackend<Long> backend = backend();
    ReducingState<Long> state = backend.getState(sum(calls));
    backend.setCurrentKey(1L);

    state.add(5L);
    state.add(3L);
    state.add(2L);

    assertThat(state.get()).isEqualTo(10L);
    assertThat(calls).containsExactly("5+3", "8+2");
  }

  @Test
  default void add_null_throwsNpeNamingStateAndKeepsValue() {
    KeyedStateBackend<Long> backend = backend();
    ReducingState<Long> state = backend.getState(sum(new ArrayList<>()));
    backend.setCurrentKey(1L);
    state.add(5L);

    assertThatThrownBy(() -> state.add(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("sum");

    assertThat(state.get()).isEqualTo(5L);
  }

  @Test
  default void add_nullWhenEmpty_throwsNpeAndStaysEmpty() {
    KeyedStateBackend<Long> backend = backend();
    ReducingState<Long> state = backend.getState(sum(new ArrayList<>()));
    backend.setCurrentKey(1L);

    assertThatThrownBy(() -> state.add(null)).isInstanceOf(NullPointerException.class);

    assertThat(state.get()).isNull();
    assertThat(StateContents.keys(backend, "sum")).isEmpty();
  }

  @Test
  default void add_afterClear_startsFreshWithoutCallingFunction() {
    List<String> calls = new ArrayList<>();
    KeyedStateBackend<Long> backend = backend();
    ReducingState<Long> state = backend.getState(sum(calls));
    backend.setCurrentKey(1L);
    state.add(5L);

    state.clear();
    state.add(7L);

    assertThat(state.get()).isEqualTo(7L);
    assertThat(calls).isEmpty();
  }

  @Test
  default void clear_currentKey_otherKeysKeepValues() {
    KeyedStateBackend<Long> backend = backend();
    ReducingState<Long> state = backend.getState(sum(new ArrayList<>()));
    backend.setCurrentKey(1L);
    state.add(1L);
    backend.setCurrentKey(2L);
    state.add(2L);

    state.clear();

    assertThat(state.get()).isNull();
    backend.setCurrentKey(1L);
    assertThat(state.get()).isEqualTo(1L);
    assertThat(StateContents.keys(backend, "sum")).containsExactly(1L);
  }

  @Test
  default void add_differentKeys_foldedSeparately() {
    List<String> calls = new ArrayList<>();
    KeyedStateBackend<Long> backend = backend();
    ReducingState<Long> state = backend.getState(sum(calls));

    for (long key = 1; key <= 3; key++) {
      backend.setCurrentKey(key);
      state.add(key);
      state.add(key);
    }

    for (long key = 1; key <= 3; key++) {
      backend.setCurrentKey(key);
      assertThat(state.get()).isEqualTo(2 * key);
    }
    assertThat(calls).containsExactly("1+1", "2+2", "3+3");
  }

  @Test
  default void getState_twice_bothHandlesFoldIntoSameValue() {
    KeyedStateBackend<Long> backend = backend();
    ReducingStateDescriptor<Long> descriptor = sum(new ArrayList<>());
    ReducingState<Long> first = backend.getState(descriptor);
    ReducingState<Long> second = backend.getState(descriptor);
    backend.setCurrentKey(1L);

    first.add(1L);
    second.add(2L);

    assertThat(first.get()).isEqualTo(3L);
    assertThat(second.get()).isEqualTo(3L);
  }

  @Test
  default void getAndAdd_bytesMutatedOutside_storedValueUnchanged() {
    ReduceFunction<byte[]> longer = (accumulated, value) -> value.length > accumulated.length ? value : accumulated;
    KeyedStateBackend<Long> backend = backend();
    ReducingState<byte[]> state =
        backend.getState(StateDescriptors.reducing("longest", longer, Serializers.BYTES));
    backend.setCurrentKey(1L);
    byte[] first = {1};
    byte[] second = {2, 2};

    state.add(first);
    first[0] = 9;
    state.add(second);
    second[0] = 9;
    state.get()[1] = 9;

    assertThat(state.get()).containsExactly(2, 2);
  }

  @Test
  default void reduceFunction_mutatesAccumulatedInPlace_resultStored() {
    ReduceFunction<byte[]> addInPlace =
        (accumulated, value) -> {
          accumulated[0] += value[0];
          value[0] = 0;
          return accumulated;
        };
    KeyedStateBackend<Long> backend = backend();
    ReducingState<byte[]> state =
        backend.getState(StateDescriptors.reducing("total", addInPlace, Serializers.BYTES));
    backend.setCurrentKey(1L);
    byte[] input = {3};

    state.add(new byte[] {1});
    state.add(input);

    assertThat(state.get()).containsExactly(4);
  }
}
