package dev.cairn.state.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.serde.Serializers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyGroupsTest {

  @Test
  void assign_pinnedKeys_keepTheirGroups() {
    assertThat(KeyGroups.assign(Serializers.LONG, 0L, 128)).isEqualTo(0);
    assertThat(KeyGroups.assign(Serializers.LONG, 1L, 128)).isEqualTo(55);
    assertThat(KeyGroups.assign(Serializers.LONG, 42L, 128)).isEqualTo(92);
    assertThat(KeyGroups.assign(Serializers.LONG, Long.MAX_VALUE, 128)).isEqualTo(32);
    assertThat(KeyGroups.assign(Serializers.INT, 7, 128)).isEqualTo(68);
    assertThat(KeyGroups.assign(Serializers.STRING, "user-1", 128)).isEqualTo(64);
    assertThat(KeyGroups.assign(Serializers.STRING, "user-1", 32768)).isEqualTo(9536);
    assertThat(KeyGroups.assign(Serializers.LONG, 42L, 1)).isEqualTo(0);
  }

  @Test
  void assign_usesOnlyTheStableHash() {
    assertThat(KeyGroups.assign(Serializers.STRING, "user-1", 128))
        .isEqualTo(KeyGroups.assign("user-1".hashCode(), 128));
    assertThat(KeyGroups.assign(Serializers.LONG, 7L, 128)).isEqualTo(KeyGroups.assign(Serializers.INT, 7, 128));
  }

  @Test
  void assign_consecutiveLongs_spreadEvenlyOverGroups() {
    int groups = 128;
    int keys = 100_000;
    int[] counts = new int[groups];
    for (long key = 0; key < keys; key++) {
      int group = KeyGroups.assign(Serializers.LONG, key, groups);
      assertThat(group).isBetween(0, groups - 1);
      counts[group]++;
    }
    double mean = (double) keys / groups; // 781.25
    for (int group = 0; group < groups; group++) {
      assertThat((double) counts[group]).as("group %d", group).isBetween(mean * 0.8, mean * 1.2);
    }
  }

  @Test
  void checkMaxParallelism_outOfBounds_isRejected() {
    assertThat(KeyGroups.checkMaxParallelism(1)).isEqualTo(1);
    assertThat(KeyGroups.checkMaxParallelism(32768)).isEqualTo(32768);
    assertThatThrownBy(() -> KeyGroups.checkMaxParallelism(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyGroups.checkMaxParallelism(32769)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"1,1", "128,1", "128,3", "128,7", "128,128", "100,30", "32768,5", "10,10", "129,64"})
  void forInstance_ranges_coverEveryGroupExactlyOnceInOrder(int maxParallelism, int parallelism) {
    int[] owners = new int[maxParallelism];
    int next = 0;
    int smallest = Integer.MAX_VALUE;
    int largest = 0;
    for (int i = 0; i < parallelism; i++) {
      KeyGroupRange range = KeyGroupRange.forInstance(maxParallelism, parallelism, i);
      assertThat(range.startKeyGroup()).isEqualTo(next);
      for (int g = range.startKeyGroup(); g <= range.endKeyGroup(); g++) {
        owners[g]++;
      }
      next = range.endKeyGroup() + 1;
      smallest = Math.min(smallest, range.size());
      largest = Math.max(largest, range.size());
    }
    assertThat(next).isEqualTo(maxParallelism);
    assertThat(owners).containsOnly(1);
    assertThat(largest - smallest).isLessThanOrEqualTo(1);
  }

  @Test
  void forInstance_badArguments_areRejected() {
    assertThatThrownBy(() -> KeyGroupRange.forInstance(128, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyGroupRange.forInstance(128, 129, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyGroupRange.forInstance(128, 4, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyGroupRange.forInstance(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void range_intersectAndContains() {
    KeyGroupRange a = new KeyGroupRange(0, 63);
    assertThat(a.intersect(new KeyGroupRange(60, 100))).isEqualTo(new KeyGroupRange(60, 63));
    assertThat(a.intersect(new KeyGroupRange(64, 100))).isNull();
    assertThat(a.contains(63)).isTrue();
    assertThat(a.contains(64)).isFalse();
    assertThat(KeyGroupRange.all(128)).isEqualTo(new KeyGroupRange(0, 127));
    assertThatThrownBy(() -> new KeyGroupRange(5, 4)).isInstanceOf(IllegalArgumentException.class);
  }
}
