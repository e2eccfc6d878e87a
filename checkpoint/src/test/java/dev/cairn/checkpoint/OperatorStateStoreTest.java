package dev.cairn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.ListState;
import dev.cairn.state.StateRegistrationException;
import dev.cairn.state.serde.Serializers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorStateStoreTest {

  private static List<Long> list(ListState<Long> state) {
    List<Long> out = new ArrayList<>();
    state.get().forEach(out::add);
    return out;
  }

  /** Stores of {@code parts} old participants redistributed over {@code parallelism} new ones. */
  private static List<OperatorStateStore> rescale(List<OperatorStateStore> old, int parallelism) {
    List<Map<String, OperatorStateStore.StoredList>> parts = new ArrayList<>();
    for (OperatorStateStore store : old) {
      parts.add(OperatorStateStore.decode(store.snapshot()));
    }
    List<OperatorStateStore> result = new ArrayList<>();
    for (int i = 0; i < parallelism; i++) {
      OperatorStateStore store = new OperatorStateStore();
      store.restore(OperatorStateStore.redistribute(parts, parallelism, i));
      result.add(store);
    }
    return result;
  }

  @Test
  void redistribute_twoToThree_splitsEvenlyAndGivesUnionToAll() {
    List<OperatorStateStore> old = List.of(new OperatorStateStore(), new OperatorStateStore());
    old.get(0).getListState("split", Serializers.LONG).update(List.of(1L, 2L, 3L));
    old.get(1).getListState("split", Serializers.LONG).update(List.of(4L, 5L, 6L, 7L));
    old.get(0).getUnionListState("union", Serializers.LONG).update(List.of(10L));
    old.get(1).getUnionListState("union", Serializers.LONG).update(List.of(20L));

    List<OperatorStateStore> now = rescale(old, 3);

    List<Long> all = new ArrayList<>();
    for (OperatorStateStore store : now) {
      List<Long> share = list(store.getListState("split", Serializers.LONG));
      assertThat(share.size()).isBetween(2, 3);
      all.addAll(share);
      assertThat(list(store.getUnionListState("union", Serializers.LONG))).containsExactly(10L, 20L);
    }
    assertThat(all).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void snapshot_unregisteredRestoredList_isCarriedOver() {
    OperatorStateStore old = new OperatorStateStore();
    old.getListState("offsets", Serializers.LONG).add(42L);
    OperatorStateStore restored = rescale(List.of(old), 1).get(0);

    OperatorStateStore again = rescale(List.of(restored), 1).get(0);

    assertThat(list(again.getListState("offsets", Serializers.LONG))).containsExactly(42L);
  }

  @Test
  void register_sameNameOtherModeOrSerializer_fails() {
    OperatorStateStore store = new OperatorStateStore();
    store.getListState("s", Serializers.LONG);
    assertThatThrownBy(() -> store.getUnionListState("s", Serializers.LONG)).isInstanceOf(StateRegistrationException.class);
    assertThatThrownBy(() -> store.getListState("s", Serializers.STRING)).isInstanceOf(StateRegistrationException.class);
  }

  @Test
  void add_null_isRejectedNamingTheState() {
    ListState<Long> state = new OperatorStateStore().getListState("offsets", Serializers.LONG);
    assertThatThrownBy(() -> state.add(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("'offsets'");
    assertThatThrownBy(() -> state.update(java.util.Arrays.asList(1L, null))).isInstanceOf(NullPointerException.class);
    assertThat(list(state)).isEmpty();
  }
}
