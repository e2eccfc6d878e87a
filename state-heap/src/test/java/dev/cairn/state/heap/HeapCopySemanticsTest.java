package dev.cairn.state.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.AggregateFunction;
import dev.cairn.state.AggregatingState;
import dev.cairn.state.AggregatingStateDescriptor;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.ReducingState;
import dev.cairn.state.ReducingStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Values of a mutable type ({@code byte[]}) are copied on write and on read, and functions only see
 * copies: nothing the application does with an object changes stored state or a frozen snapshot.
 */
class HeapCopySemanticsTest {

  private final KeyedStateBackend<Long> backend = AllKindsFixture.newBackend();

  @BeforeEach
  void setKey() {
    backend.setCurrentKey(1L);
  }

  @AfterEach
  void tearDown() {
    backend.close();
  }

  @Test
  void valueState_mutatingWrittenOrReadArray_leavesStoredValue() {
    ValueState<byte[]> state = backend.getState(StateDescriptors.value("v", Serializers.BYTES));
    byte[] written = {1, 2};
    state.update(written);
    written[0] = 9;
    state.value()[1] = 9;

    assertThat(state.value()).containsExactly(1, 2);
  }

  @Test
  void valueState_mutatingReturnedDefault_leavesDefault() {
    ValueState<byte[]> state = backend.getState(StateDescriptors.value("v", Serializers.BYTES, new byte[] {5}));
    state.value()[0] = 9;

    assertThat(state.value()).containsExactly(5);
  }

  @Test
  void listState_mutatingAddedOrReadElements_leavesStoredElements() {
    ListState<byte[]> state = backend.getState(StateDescriptors.list("l", Serializers.BYTES));
    byte[] added = {1};
    byte[] inList = {2};
    List<byte[]> all = new ArrayList<>(List.of(inList));
    state.add(added);
    state.addAll(all);
    added[0] = 9;
    inList[0] = 9;
    all.clear();
    state.get().forEach(element -> element[0] = 7);

    assertThat(state.get()).containsExactly(new byte[] {1}, new byte[] {2});
  }

  @Test
  void mapState_mutatingPutOrReadValues_leavesStoredValues() {
    MapState<String, byte[]> state = backend.getState(StateDescriptors.map("m", Serializers.STRING, Serializers.BYTES));
    byte[] put = {1};
    state.put("a", put);
    state.putAll(Map.of("b", new byte[] {2}));
    put[0] = 9;
    state.get("a")[0] = 9;
    state.entries().forEach(entry -> entry.getValue()[0] = 9);
    state.values().forEach(value -> value[0] = 9);

    assertThat(state.get("a")).containsExactly(1);
    assertThat(state.get("b")).containsExactly(2);
  }

  @Test
  void reducingState_functionMutatingItsArguments_leavesSnapshotAndCallerArrays() {
    ReducingStateDescriptor<byte[]> descriptor =
        StateDescriptors.reducing("r", HeapCopySemanticsTest::addInto, Serializers.BYTES);
    ReducingState<byte[]> state = backend.getState(descriptor);
    state.add(new byte[] {1});
    StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1);
    byte[] input = {2};
    state.add(input);
    state.get()[0] = 100;

    assertThat(input).containsExactly(2);
    assertThat(state.get()).containsExactly(3);
    try (KeyedStateBackend<Long> restored = restore(snapshot)) {
      assertThat(restored.getState(descriptor).get()).containsExactly(1);
    }
  }

  @Test
  void aggregatingState_functionMutatingAccumulator_leavesStateAndSnapshot() {
    AggregatingStateDescriptor<Byte, byte[], String> descriptor =
        StateDescriptors.aggregating("a", new ByteSum(), Serializers.BYTES);
    AggregatingState<Byte, String> state = backend.getState(descriptor);
    state.add((byte) 1);
    StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1);
    state.add((byte) 2);

    assertThat(state.get()).isEqualTo("3");
    assertThat(state.get()).as("getResult zeroes its argument, a copy").isEqualTo("3");
    try (KeyedStateBackend<Long> restored = restore(snapshot)) {
      assertThat(restored.getState(descriptor).get()).isEqualTo("1");
    }
  }

  @Test
  void reducingState_functionReturningNull_throwsNamingStateAndKeepsValue() {
    ReducingState<Long> state = backend.getState(StateDescriptors.reducing("r", (a, b) -> null, Serializers.LONG));
    state.add(1L);

    assertThatThrownBy(() -> state.add(2L)).isInstanceOf(NullPointerException.class).hasMessageContaining("'r'");
    assertThat(state.get()).isEqualTo(1L);
  }

  /** Adds {@code value} into {@code accumulated} in place, and returns it. */
  private static byte[] addInto(byte[] accumulated, byte[] value) {
    accumulated[0] += value[0];
    value[0] = 0;
    return accumulated;
  }

  /** Writes {@code snapshot} and returns a backend restored from it, with key 1 current. */
  private static KeyedStateBackend<Long> restore(StateSnapshot snapshot) {
    KeyedStateBackend<Long> restored = AllKindsFixture.restored(AllKindsFixture.write(snapshot, "chk").input());
    restored.setCurrentKey(1L);
    return restored;
  }

  /** Sums bytes into a one-byte accumulator, changing it in place. */
  private static final class ByteSum implements AggregateFunction<Byte, byte[], String> {
    @Override
    public byte[] createAccumulator() {
      return new byte[1];
    }

    @Override
    public byte[] add(Byte value, byte[] accumulator) {
      accumulator[0] += value;
      return accumulator;
    }

    @Override
    public String getResult(byte[] accumulator) {
      String result = Byte.toString(accumulator[0]);
      accumulator[0] = 0;
      return result;
    }
  }
}
