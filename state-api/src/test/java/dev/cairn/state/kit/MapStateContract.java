package dev.cairn.state.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.MapState;
import dev.cairn.state.MapStateDescriptor;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.serde.Serializers;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link MapState}: null values allowed and present, {@code Iterator.remove} writes through, an
 * emptied map is no state. Iteration order is unspecified, so no test depends on it.
 */
public interface MapStateContract extends KitSupport {

  private static MapStateDescriptor<String, Long> counts() {
    return StateDescriptors.map("counts", Serializers.STRING, Serializers.LONG);
  }

  private static Map<String, Long> mapOf(Object... keysAndValues) {
    Map<String, Long> map = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], (Long) keysAndValues[i + 1]);
    }
    return map;
  }

  private static <K, V> Map<K, V> entriesOf(MapState<K, V> state) {
    Map<K, V> map = new HashMap<>();
    state.entries().forEach(e -> map.put(e.getKey(), e.getValue()));
    return map;
  }

  private static MapState<String, Long> filled(KeyedStateBackend<Long> backend, Map<String, Long> entries) {
    MapState<String, Long> state = backend.getState(counts());
    backend.setCurrentKey(1L);
    state.putAll(entries);
    return state;
  }

  @Test
  default void get_missingKey_returnsNull() {
    MapState<String, Long> state = filled(backend(), mapOf("a", 1L));

    assertThat(state.get("b")).isNull();
    assertThat(state.contains("b")).isFalse();
  }

  @Test
  default void put_thenGet_returnsValue() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, Long> state = backend.getState(counts());
    backend.setCurrentKey(1L);

    state.put("a", 1L);

    assertThat(state.get("a")).isEqualTo(1L);
    assertThat(state.contains("a")).isTrue();
    assertThat(state.isEmpty()).isFalse();
  }

  @Test
  default void put_existingKey_replacesValue() {
    MapState<String, Long> state = filled(backend(), mapOf("a", 1L));

    state.put("a", 2L);

    assertThat(entriesOf(state)).containsExactly(entry("a", 2L));
  }

  @Test
  default void put_nullValue_keyPresentAndGetReturnsNull() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, Long> state = backend.getState(counts());
    backend.setCurrentKey(1L);

    state.put("a", null);

    assertThat(state.contains("a")).isTrue();
    assertThat(state.get("a")).isNull();
    assertThat(state.isEmpty()).isFalse();
    assertThat(entriesOf(state)).containsExactly(entry("a", null));
    assertThat(StateContents.keys(backend, "counts")).containsExactly(1L);
  }

  @Test
  default void put_nullUserKey_throwsNpeNamingStateAndChangesNothing() {
    MapState<String, Long> state = filled(backend(), mapOf("a", 1L));

    assertThatThrownBy(() -> state.put(null, 2L))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("counts");

    assertThat(entriesOf(state)).containsExactly(entry("a", 1L));
  }

  @Test
  default void putAll_entries_addsEveryEntryIncludingNullValues() {
    MapState<String, Long> state = filled(backend(), mapOf("a", 1L));

    state.putAll(mapOf("b", 2L, "c", null, "a", 3L));

    assertThat(entriesOf(state)).isEqualTo(mapOf("a", 3L, "b", 2L, "c", null));
  }

  @Test
  default void putAll_emptyOnAbsentKey_keyStaysWithoutState() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, Long> state = backend.getState(counts());
    backend.setCurrentKey(1L);

    state.putAll(Map.of());

    assertThat(state.isEmpty()).isTrue();
    assertThat(StateContents.keys(backend, "counts")).isEmpty();
  }

  @Test
  default void putAll_emptyOnPresentKey_isNoOp() {
    MapState<String, Long> state = filled(backend(), mapOf("a", 1L));

    state.putAll(Map.of());

    assertThat(entriesOf(state)).containsExactly(entry("a", 1L));
  }

  @Test
  default void putAll_withNullUserKey_throwsNpeAndWritesNothing() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, Long> state = filled(backend, mapOf("a", 1L));
    Map<String, Long> withNullKey = mapOf("b", 2L, "c", 3L);
    withNullKey.put(null, 4L);

    assertThatThrownBy(() -> state.putAll(withNullKey))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("counts");

    assertThat(entriesOf(state)).containsExactly(entry("a", 1L));
    backend.setCurrentKey(2L);
    assertThatThrownBy(() -> state.putAll(withNullKey)).isInstanceOf(NullPointerException.class);
    assertThat(state.isEmpty()).isTrue();
    assertThat(StateContents.keys(backend, "counts")).containsExactly(1L);
  }

  @Test
  default void remove_absentKey_isNoOp() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, Long> state = filled(backend, mapOf("a", 1L));

    state.remove("b");
    backend.setCurrentKey(2L);
    state.remove("a");

    assertThat(state.isEmpty()).isTrue();
    backend.setCurrentKey(1L);
    assertThat(entriesOf(state)).containsExactly(entry("a", 1L));
    assertThat(StateContents.keys(backend, "counts")).containsExactly(1L);
  }

  @Test
  default void remove_presentKey_removesOnlyThatEntry() {
    MapState<String, Long> state = filled(backend(), mapOf("a", 1L, "b", null));

    state.remove("b");

    assertThat(state.contains("b")).isFalse();
    assertThat(entriesOf(state)).containsExactly(entry("a", 1L));
  }

  @Test
  default void remove_lastEntry_keyHasNoState() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, Long> state = filled(backend, mapOf("a", 1L));

    state.remove("a");

    assertThat(state.isEmpty()).isTrue();
    assertThat(state.entries()).isEmpty();
    assertThat(StateContents.keys(backend, "counts")).isEmpty();
  }

  @Test
  default void remove_lastEntryMappedToNull_keyHasNoState() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, Long> state = filled(backend, mapOf("a", null));

    state.remove("a");

    assertThat(state.isEmpty()).isTrue();
    assertThat(StateContents.keys(backend, "counts")).isEmpty();
  }

  @Test
  default void iteratorRemove_someEntries_writesThrough() {
    MapState<String, Long> state = filled(backend(), mapOf("a", 1L, "b", 2L, "c", 3L));

    for (Iterator<Map.Entry<String, Long>> it = state.iterator(); it.hasNext(); ) {
      if (it.next().getValue() % 2 == 1) {
        it.remove();
      }
    }

    assertThat(entriesOf(state)).containsExactly(entry("b", 2L));
    assertThat(state.contains("a")).isFalse();
  }

  @Test
  default void iteratorRemove_everyEntry_keyHasNoState() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, Long> state = filled(backend, mapOf("a", 1L, "b", null));

    Iterator<Map.Entry<String, Long>> it = state.iterator();
    while (it.hasNext()) {
      it.next();
      it.remove();
    }

    assertThat(state.isEmpty()).isTrue();
    assertThat(StateContents.keys(backend, "counts")).isEmpty();
  }

  @Test
  default void iteratorRemove_beforeNext_throwsIllegalState() {
    MapState<String, Long> state = filled(backend(), mapOf("a", 1L));

    Iterator<Map.Entry<String, Long>> it = state.iterator();

    assertThatThrownBy(it::remove).isInstanceOf(IllegalStateException.class);
    assertThat(entriesOf(state)).containsExactly(entry("a", 1L));
  }

  @Test
  default void entrySetValue_always_unsupportedAndStateUnchanged() {
    MapState<String, Long> state = filled(backend(), mapOf("a", 1L));

    Map.Entry<String, Long> first = state.iterator().next();

    assertThatThrownBy(() -> first.setValue(5L)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(state.get("a")).isEqualTo(1L);
  }

  @Test
  default void entriesKeysValues_filledMap_returnEveryEntry() {
    MapState<String, Long> state = filled(backend(), mapOf("a", 1L, "b", 2L, "c", null));

    assertThat(entriesOf(state)).isEqualTo(mapOf("a", 1L, "b", 2L, "c", null));
    assertThat(state.keys()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(state.values()).containsExactlyInAnyOrder(1L, 2L, null);
  }

  @Test
  default void entriesKeysValues_unsetKey_emptyAndIsEmptyTrue() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, Long> state = backend.getState(counts());
    backend.setCurrentKey(1L);

    assertThat(state.entries()).isEmpty();
    assertThat(state.keys()).isEmpty();
    assertThat(state.values()).isEmpty();
    assertThat(state.iterator().hasNext()).isFalse();
    assertThat(state.isEmpty()).isTrue();
  }

  @Test
  default void clear_currentKey_otherKeysKeepEntries() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, Long> state = filled(backend, mapOf("a", 1L));
    backend.setCurrentKey(2L);
    state.put("b", 2L);

    state.clear();

    assertThat(state.isEmpty()).isTrue();
    backend.setCurrentKey(1L);
    assertThat(entriesOf(state)).containsExactly(entry("a", 1L));
    assertThat(StateContents.keys(backend, "counts")).containsExactly(1L);
  }

  @Test
  default void put_differentKeysAndStates_isolated() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, Long> first = backend.getState(counts());
    MapState<String, Long> second =
        backend.getState(StateDescriptors.map("other", Serializers.STRING, Serializers.LONG));
    backend.setCurrentKey(1L);
    first.put("a", 1L);
    second.put("a", 2L);
    backend.setCurrentKey(2L);
    first.put("a", 3L);

    assertThat(second.contains("a")).isFalse();
    backend.setCurrentKey(1L);
    assertThat(first.get("a")).isEqualTo(1L);
    assertThat(second.get("a")).isEqualTo(2L);
  }

  @Test
  default void get_returnedBytesMutated_storedValueUnchanged() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, byte[]> state =
        backend.getState(StateDescriptors.map("blobs", Serializers.STRING, Serializers.BYTES));
    backend.setCurrentKey(1L);
    state.put("a", new byte[] {1, 2});

    state.get("a")[0] = 9;
    state.entries().iterator().next().getValue()[1] = 9;
    state.values().iterator().next()[1] = 9;

    assertThat(state.get("a")).containsExactly(1, 2);
  }

  @Test
  default void put_valueMutatedAfterPut_storedValueUnchanged() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, byte[]> state =
        backend.getState(StateDescriptors.map("blobs", Serializers.STRING, Serializers.BYTES));
    backend.setCurrentKey(1L);
    byte[] value = {2};

    state.put("a", value);
    value[0] = 9;

    assertThat(state.get("a")).containsExactly(2);
  }

  @Test
  default void putAll_argumentMutatedAfterCall_storedEntriesUnchanged() {
    KeyedStateBackend<Long> backend = backend();
    MapState<String, byte[]> state =
        backend.getState(StateDescriptors.map("blobs", Serializers.STRING, Serializers.BYTES));
    backend.setCurrentKey(1L);
    Map<String, byte[]> entries = new HashMap<>(Map.of("a", new byte[] {1}));

    state.putAll(entries);
    entries.get("a")[0] = 9;
    entries.put("b", new byte[] {2});

    assertThat(state.keys()).containsExactly("a");
    assertThat(state.get("a")).containsExactly(1);
  }
}
