package dev.cairn.state.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.ListStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.serde.Serializers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ListState}: elements in insertion order, never null, validated before anything changes;
 * {@code addAll([])} is a no-op and {@code update([])} clears.
 */
public interface ListStateContract extends KitSupport {

  private static ListStateDescriptor<Long> events() {
    return StateDescriptors.list("events", Serializers.LONG);
  }

  private static <T> List<T> listOf(Iterable<T> iterable) {
    List<T> list = new ArrayList<>();
    iterable.forEach(list::add);
    return list;
  }

  @Test
  default void get_unset_returnsEmptyIterable() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);

    assertThat(state.get()).isNotNull().isEmpty();
  }

  @Test
  default void add_severalElements_keepsInsertionOrderAndDuplicates() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);

    state.add(3L);
    state.add(1L);
    state.add(3L);

    assertThat(state.get()).containsExactly(3L, 1L, 3L);
  }

  @Test
  default void add_null_throwsNpeNamingStateAndKeepsElements() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);
    state.add(1L);

    assertThatThrownBy(() -> state.add(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("events");

    assertThat(state.get()).containsExactly(1L);
  }

  @Test
  default void add_nullOnAbsentKey_throwsAndKeyStaysWithoutState() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);

    assertThatThrownBy(() -> state.add(null)).isInstanceOf(NullPointerException.class);

    assertThat(state.get()).isEmpty();
    assertThat(StateContents.keys(backend, "events")).isEmpty();
  }

  @Test
  default void addAll_elements_appendsInOrder() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);
    state.add(1L);

    state.addAll(List.of(2L, 3L));

    assertThat(state.get()).containsExactly(1L, 2L, 3L);
  }

  @Test
  default void addAll_empty_isNoOp() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);
    state.add(1L);
    backend.setCurrentKey(2L);

    state.addAll(List.of());

    assertThat(state.get()).isEmpty();
    assertThat(StateContents.keys(backend, "events")).containsExactly(1L);
    backend.setCurrentKey(1L);
    state.addAll(List.of());
    assertThat(state.get()).containsExactly(1L);
  }

  @Test
  default void addAll_withNullElement_throwsNpeNamingStateAndAppendsNothing() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);
    state.add(1L);

    assertThatThrownBy(() -> state.addAll(Arrays.asList(2L, null, 3L)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("events");

    assertThat(state.get()).containsExactly(1L);
  }

  @Test
  default void addAll_withNullElementOnAbsentKey_keyStaysWithoutState() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);

    assertThatThrownBy(() -> state.addAll(Arrays.asList(2L, null)))
        .isInstanceOf(NullPointerException.class);

    assertThat(state.get()).isEmpty();
    assertThat(StateContents.keys(backend, "events")).isEmpty();
  }

  @Test
  default void addAll_nullList_throwsNpeAndKeepsElements() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);
    state.add(1L);

    assertThatThrownBy(() -> state.addAll(null)).isInstanceOf(NullPointerException.class);

    assertThat(state.get()).containsExactly(1L);
  }

  @Test
  default void update_elements_replacesElements() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);
    state.addAll(List.of(1L, 2L));

    state.update(List.of(5L, 6L, 7L));

    assertThat(state.get()).containsExactly(5L, 6L, 7L);
  }

  @Test
  default void update_empty_clearsState() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);
    state.addAll(List.of(1L, 2L));

    state.update(List.of());

    assertThat(state.get()).isEmpty();
    assertThat(StateContents.keys(backend, "events")).isEmpty();
  }

  @Test
  default void update_withNullElement_throwsNpeNamingStateAndKeepsElements() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);
    state.addAll(List.of(1L, 2L));

    assertThatThrownBy(() -> state.update(Arrays.asList(5L, null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("events");

    assertThat(state.get()).containsExactly(1L, 2L);
  }

  @Test
  default void update_nullList_throwsNpeAndKeepsElements() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);
    state.add(1L);

    assertThatThrownBy(() -> state.update(null)).isInstanceOf(NullPointerException.class);

    assertThat(state.get()).containsExactly(1L);
  }

  @Test
  default void clear_currentKey_otherKeysKeepElements() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);
    state.add(1L);
    backend.setCurrentKey(2L);
    state.add(2L);

    state.clear();

    assertThat(state.get()).isEmpty();
    backend.setCurrentKey(1L);
    assertThat(state.get()).containsExactly(1L);
    assertThat(StateContents.keys(backend, "events")).containsExactly(1L);
  }

  @Test
  default void add_twoStatesSameKey_statesIsolated() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> first = backend.getState(events());
    ListState<Long> second = backend.getState(StateDescriptors.list("other", Serializers.LONG));
    backend.setCurrentKey(1L);

    first.add(1L);
    second.add(2L);

    assertThat(first.get()).containsExactly(1L);
    assertThat(second.get()).containsExactly(2L);
  }

  @Test
  default void get_thenAdd_earlierIterableUnchanged() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);
    state.add(1L);

    Iterable<Long> before = state.get();
    state.add(2L);

    assertThat(before).containsExactly(1L);
    assertThat(state.get()).containsExactly(1L, 2L);
  }

  @Test
  default void get_returnedCollection_isReadOnly() {
    KeyedStateBackend<Long> backend = backend();
    ListState<Long> state = backend.getState(events());
    backend.setCurrentKey(1L);
    state.addAll(List.of(1L, 2L));

    Iterable<Long> returned = state.get();

    if (returned instanceof Collection<Long> collection) {
      assertThatThrownBy(() -> collection.add(3L)).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(collection::clear).isInstanceOf(UnsupportedOperationException.class);
    }
    Iterator<Long> it = returned.iterator();
    it.next();
    assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
    assertThat(state.get()).containsExactly(1L, 2L);
  }

  @Test
  default void get_returnedElementMutated_storedElementUnchanged() {
    KeyedStateBackend<Long> backend = backend();
    ListState<byte[]> state = backend.getState(StateDescriptors.list("blobs", Serializers.BYTES));
    backend.setCurrentKey(1L);
    state.add(new byte[] {1, 2});

    state.get().iterator().next()[0] = 9;

    assertThat(state.get().iterator().next()).containsExactly(1, 2);
  }

  @Test
  default void addAndUpdate_argumentsMutatedAfterCall_storedElementsUnchanged() {
    KeyedStateBackend<Long> backend = backend();
    ListState<byte[]> state = backend.getState(StateDescriptors.list("blobs", Serializers.BYTES));
    backend.setCurrentKey(1L);
    byte[] added = {1};
    List<byte[]> all = new ArrayList<>(List.of(new byte[] {2}));
    state.add(added);
    state.addAll(all);
    added[0] = 9;
    all.get(0)[0] = 9;
    all.add(new byte[] {9});
    assertThat(listOf(state.get())).extracting(b -> b[0]).containsExactly((byte) 1, (byte) 2);

    List<byte[]> replacement = new ArrayList<>(List.of(new byte[] {3}));
    state.update(replacement);
    replacement.get(0)[0] = 9;
    replacement.add(new byte[] {9});

    assertThat(listOf(state.get())).extracting(b -> b[0]).containsExactly((byte) 3);
  }
}
