package dev.cairn.state.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.serde.Serializers;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionedListTest {

  @Test
  void create_longSerializer_unboxedLayout_otherSerializers_references() {
    assertThat(VersionedList.create(Serializers.LONG, 0, 4)).isInstanceOf(VersionedList.Longs.class);
    assertThat(VersionedList.create(Serializers.INT, 0, 4)).isInstanceOf(VersionedList.Refs.class);
    assertThat(VersionedList.create(Serializers.STRING, 0, 4)).isInstanceOf(VersionedList.Refs.class);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void appendsAndCopies_behaveAsAnArrayList(boolean unboxed) {
    SplittableRandom random = new SplittableRandom(7);
    VersionedList<Long> list = empty(unboxed);
    List<Long> model = new ArrayList<>();
    for (int step = 0; step < 2_000; step++) {
      if (random.nextInt(10) == 0) {
        List<Long> batch = List.of(random.nextLong(), Long.MIN_VALUE, Long.MAX_VALUE);
        list.appendAll(batch);
        model.addAll(batch);
      } else {
        long value = random.nextLong();
        list.append(value);
        model.add(value);
      }
      if (step % 100 == 0) {
        VersionedList<Long> copy = list.copy(random.nextInt(3), step);
        assertThat(copy).isEqualTo(model).isInstanceOf(list.getClass()).isNotSameAs(list);
        copy.append(42L); // the copy is independent
        assertThat(list).isEqualTo(model);
        list = copy;
        model.add(42L);
      }
    }
    assertThat(list).isEqualTo(model).hasSameHashCodeAs(model);
    assertThat(VersionedList.of(Serializers.LONG, model, 3)).isEqualTo(model);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void readOnly_outOfRangeAndExhaustedIteratorFail(boolean unboxed) {
    VersionedList<Long> list = empty(unboxed);
    list.appendAll(List.of(1L, 2L));

    assertThatThrownBy(() -> list.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> list.add(3L)).isInstanceOf(UnsupportedOperationException.class);
    Iterator<Long> iterator = list.iterator();
    iterator.next();
    iterator.next();
    assertThatThrownBy(iterator::next).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void unboxed_appendAllWithAnElementOfAnotherType_changesNothing() {
    VersionedList<Long> list = VersionedList.of(Serializers.LONG, List.of(1L), 0);
    List smuggled = List.of(2L, "not a long"); // what erasure lets a caller pass

    assertThatThrownBy(() -> list.appendAll(smuggled)).isInstanceOf(ClassCastException.class);
    assertThat(list).containsExactly(1L);
  }

  private static VersionedList<Long> empty(boolean unboxed) {
    return unboxed ? new VersionedList.Longs<>(1, 0) : new VersionedList.Refs<>(1, 0);
  }
}
