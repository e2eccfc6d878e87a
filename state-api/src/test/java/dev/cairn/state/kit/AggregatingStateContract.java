package dev.cairn.state.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.AggregateFunction;
import dev.cairn.state.AggregatingState;
import dev.cairn.state.AggregatingStateDescriptor;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.serde.Serializers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link AggregatingState}: null when empty, the first add starts from a new accumulator, reads
 * return the function's result, {@code add(null)} rejected without change.
 */
public interface AggregatingStateContract extends KitSupport {

  /** Sums integers into a long accumulator, result "sum=N"; records each call. */
  private static AggregatingStateDescriptor<Integer, Long, String> total(List<String> calls) {
    return StateDescriptors.aggregating(
        "total",
        new AggregateFunction<Integer, Long, String>() {
          @Override
          public Long createAccumulator() {
            calls.add("create");
            return 0L;
          }

          @Override
          public Long add(Integer value, Long accumulator) {
            calls.add(accumulator + "+" + value);
            return accumulator + value;
          }

          @Override
          public String getResult(Long accumulator) {
            return "sum=" + accumulator;
          }
        },
        Serializers.LONG);
  }

  @Test
  default void get_empty_returnsNullWithoutCallingFunction() {
    List<String> calls = new ArrayList<>();
    KeyedStateBackend<Long> backend = backend();
    AggregatingState<Integer, String> state = backend.getState(total(calls));
    backend.setCurrentKey(1L);

    assertThat(state.get()).isNull();
    assertThat(calls).isEmpty();
  }

  @Test
  default void add_first_startsFromNewAccumulator() {
    List<String> calls = new ArrayList<>();
    KeyedStateBackend<Long> backend = backend();
    AggregatingState<Integer, String> state = backend.getState(total(calls));
    backend.setCurrentKey(1L);

    state.add(5);

    assertThat(state.get()).isEqualTo("sum=5");
    assertThat(calls).containsExactly("create", "0+5");
  }

  @Test
  default void add_next_addsToStoredAccumulatorWithDescriptorFunction() {
    List<String> calls = new ArrayList<>();
    KeyedStateBackend<Long> backend = backend();
    AggregatingState<Integer, String> state = backend.getState(total(calls));
    backend.setCurrentKey(1L);

    state.add(5);
    state.add(3);

    assertThat(state.get()).isEqualTo("sum=8");
    assertThat(calls).containsExactly("create", "0+5", "5+3");
  }

  @Test
  default void add_null_throwsNpeNamingStateAndKeepsAccumulator() {
    List<String> calls = new ArrayList<>();
    KeyedStateBackend<Long> backend = backend();
    AggregatingState<Integer, String> state = backend.getState(total(calls));
    backend.setCurrentKey(1L);
    state.add(5);

    assertThatThrownBy(() -> state.add(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("total");

    assertThat(state.get()).isEqualTo("sum=5");
    assertThat(calls).containsExactly("create", "0+5");
  }

  @Test
  default void add_nullWhenEmpty_throwsNpeAndCallsNoFunction() {
    List<String> calls = new ArrayList<>();
    KeyedStateBackend<Long> backend = backend();
    AggregatingState<Integer, String> state = backend.getState(total(calls));
    backend.setCurrentKey(1L);

    assertThatThrownBy(() -> state.add(null)).isInstanceOf(NullPointerException.class);

    assertThat(state.get()).isNull();
    assertThat(calls).isEmpty();
    assertThat(StateContents.keys(backend, "total")).isEmpty();
  }

  @Test
  default void add_afterClear_startsFromNewAccumulator() {
    List<String> calls = new ArrayList<>();
    KeyedStateBackend<Long> backend = backend();
    AggregatingState<Integer, String> state = backend.getState(total(calls));
    backend.setCurrentKey(1L);
    state.add(5);

    state.clear();
    calls.clear();
    state.add(2);

    assertThat(state.get()).isEqualTo("sum=2");
    assertThat(calls).containsExactly("create", "0+2");
  }

  @Test
  default void clear_currentKey_otherKeysKeepAccumulators() {
    KeyedStateBackend<Long> backend = backend();
    AggregatingState<Integer, String> state = backend.getState(total(new ArrayList<>()));
    backend.setCurrentKey(1L);
    state.add(1);
    backend.setCurrentKey(2L);
    state.add(2);

    state.clear();

    assertThat(state.get()).isNull();
    backend.setCurrentKey(1L);
    assertThat(state.get()).isEqualTo("sum=1");
    assertThat(StateContents.keys(backend, "total")).containsExactly(1L);
  }

  @Test
  default void add_differentKeysAndStates_isolated() {
    KeyedStateBackend<Long> backend = backend();
    AggregatingState<Integer, String> first = backend.getState(total(new ArrayList<>()));
    AggregatingState<Integer, String> second =
        backend.getState(
            StateDescriptors.aggregating("other", total(new ArrayList<>()).aggregateFunction(), Serializers.LONG));
    backend.setCurrentKey(1L);
    first.add(1);
    second.add(10);
    backend.setCurrentKey(2L);
    first.add(100);

    assertThat(second.get()).isNull();
    backend.setCurrentKey(1L);
    assertThat(first.get()).isEqualTo("sum=1");
    assertThat(second.get()).isEqualTo("sum=10");
  }

  @Test
  default void getState_twice_bothHandlesAddToSameAccumulator() {
    KeyedStateBackend<Long> backend = backend();
    AggregatingStateDescriptor<Integer, Long, String> descriptor = total(new ArrayList<>());
    AggregatingState<Integer, String> first = backend.getState(descriptor);
    AggregatingState<Integer, String> second = backend.getState(descriptor);
    backend.setCurrentKey(1L);

    first.add(1);
    second.add(2);

    assertThat(second.get()).isEqualTo("sum=3");
  }

  @Test
  default void add_functionMutatesAccumulatorInPlace_storedOnlyThroughResult() {
    List<byte[]> results = new ArrayList<>();
    AggregateFunction<Integer, byte[], Integer> count =
        new AggregateFunction<>() {
          @Override
          public byte[] createAccumulator() {
            return new byte[] {0};
          }

          @Override
          public byte[] add(Integer value, byte[] accumulator) {
            accumulator[0] += value;
            return accumulator;
          }

          @Override
          public Integer getResult(byte[] accumulator) {
            results.add(accumulator);
            return (int) accumulator[0];
          }
        };
    KeyedStateBackend<Long> backend = backend();
    AggregatingState<Integer, Integer> state =
        backend.getState(StateDescriptors.aggregating("count", count, Serializers.BYTES));
    backend.setCurrentKey(1L);

    state.add(2);
    assertThat(state.get()).isEqualTo(2);
    results.get(0)[0] = 100;
    state.add(3);

    assertThat(state.get()).isEqualTo(5);
  }
}
