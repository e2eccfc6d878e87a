package dev.cairn.state.kit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.serde.Serializers;
import org.junit.jupiter.api.Test;

/** {@link ValueState}: one value per key, null or the default when unset, copy semantics. */
public interface ValueStateContract extends KitSupport {

  private static ValueStateDescriptor<Long> count() {
    return StateDescriptors.value("count", Serializers.LONG);
  }

  @Test
  default void value_unset_returnsNull() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> state = backend.getState(count());
    backend.setCurrentKey(1L);

    assertThat(state.value()).isNull();
  }

  @Test
  default void value_unsetWithDefault_returnsDefault() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> state = backend.getState(StateDescriptors.value("count", Serializers.LONG, 7L));
    backend.setCurrentKey(1L);

    assertThat(state.value()).isEqualTo(7L);
    assertThat(StateContents.keys(backend, "count")).isEmpty();
  }

  @Test
  default void update_value_returnsLatestValue() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> state = backend.getState(count());
    backend.setCurrentKey(1L);

    state.update(5L);
    state.update(6L);

    assertThat(state.value()).isEqualTo(6L);
  }

  @Test
  default void update_null_clearsValue() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> state = backend.getState(count());
    backend.setCurrentKey(1L);
    state.update(5L);

    state.update(null);

    assertThat(state.value()).isNull();
    assertThat(StateContents.keys(backend, "count")).isEmpty();
  }

  @Test
  default void update_nullWithDefault_readsDefaultAgain() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> state = backend.getState(StateDescriptors.value("count", Serializers.LONG, 7L));
    backend.setCurrentKey(1L);
    state.update(5L);

    state.update(null);

    assertThat(state.value()).isEqualTo(7L);
    assertThat(StateContents.keys(backend, "count")).isEmpty();
  }

  @Test
  default void clear_currentKey_otherKeysKeepTheirValues() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> state = backend.getState(count());
    for (long key = 1; key <= 3; key++) {
      backend.setCurrentKey(key);
      state.update(key * 10);
    }

    backend.setCurrentKey(2L);
    state.clear();

    assertThat(state.value()).isNull();
    backend.setCurrentKey(1L);
    assertThat(state.value()).isEqualTo(10L);
    backend.setCurrentKey(3L);
    assertThat(state.value()).isEqualTo(30L);
    assertThat(StateContents.keys(backend, "count")).containsExactlyInAnyOrder(1L, 3L);
  }

  @Test
  default void clear_unsetKey_isNoOp() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> state = backend.getState(count());
    backend.setCurrentKey(1L);

    state.clear();

    assertThat(state.value()).isNull();
    assertThat(StateContents.keys(backend, "count")).isEmpty();
  }

  @Test
  default void update_differentKeys_valuesIsolated() {
    KeyedStateBackend<String> backend = backend(Serializers.STRING);
    ValueState<Long> state = backend.getState(count());

    backend.setCurrentKey("a");
    state.update(1L);
    backend.setCurrentKey("b");
    assertThat(state.value()).isNull();
    state.update(2L);

    backend.setCurrentKey("a");
    assertThat(state.value()).isEqualTo(1L);
    backend.setCurrentKey("b");
    assertThat(state.value()).isEqualTo(2L);
  }

  @Test
  default void update_twoStatesSameKey_statesIsolated() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> first = backend.getState(count());
    ValueState<Long> second = backend.getState(StateDescriptors.value("other", Serializers.LONG));
    backend.setCurrentKey(1L);

    first.update(1L);
    second.update(2L);
    first.clear();

    assertThat(first.value()).isNull();
    assertThat(second.value()).isEqualTo(2L);
  }

  @Test
  default void getState_twice_bothHandlesShareTheState() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> first = backend.getState(count());
    ValueState<Long> second = backend.getState(count());
    backend.setCurrentKey(1L);

    first.update(3L);
    assertThat(second.value()).isEqualTo(3L);
    second.update(4L);
    assertThat(first.value()).isEqualTo(4L);
  }

  @Test
  default void value_returnedBytesMutated_storedValueUnchanged() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<byte[]> state = backend.getState(StateDescriptors.value("blob", Serializers.BYTES));
    backend.setCurrentKey(1L);
    state.update(new byte[] {1, 2, 3});

    state.value()[0] = 9;

    assertThat(state.value()).containsExactly(1, 2, 3);
  }

  @Test
  default void update_bytesMutatedAfterUpdate_storedValueUnchanged() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<byte[]> state = backend.getState(StateDescriptors.value("blob", Serializers.BYTES));
    backend.setCurrentKey(1L);
    byte[] value = {1, 2, 3};

    state.update(value);
    value[0] = 9;

    assertThat(state.value()).containsExactly(1, 2, 3);
  }

  @Test
  default void value_returnedDefaultMutated_defaultUnchanged() {
    byte[] defaultValue = {1, 2, 3};
    KeyedStateBackend<Long> backend = backend();
    ValueState<byte[]> state =
        backend.getState(StateDescriptors.value("blob", Serializers.BYTES, defaultValue));
    backend.setCurrentKey(1L);

    byte[] read = state.value();
    read[0] = 9;

    assertThat(state.value()).containsExactly(1, 2, 3);
    assertThat(defaultValue).containsExactly(1, 2, 3);
    backend.setCurrentKey(2L);
    assertThat(state.value()).containsExactly(1, 2, 3);
  }

  @Test
  default void update_afterRead_laterReadsSeeNewValueNotOldReturnedObject() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<byte[]> state = backend.getState(StateDescriptors.value("blob", Serializers.BYTES));
    backend.setCurrentKey(1L);
    state.update(new byte[] {1});
    byte[] before = state.value();

    state.update(new byte[] {2, 2});

    assertThat(before).containsExactly(1);
    assertThat(state.value()).containsExactly(2, 2);
  }
}
