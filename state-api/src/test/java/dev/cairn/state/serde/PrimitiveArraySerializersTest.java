package dev.cairn.state.serde;

import static dev.cairn.state.serde.SerdeTesting.bytesOf;
import static dev.cairn.state.serde.SerdeTesting.compatibility;
import static dev.cairn.state.serde.SerdeTesting.read;
import static dev.cairn.state.serde.SerdeTesting.roundTrip;
import static dev.cairn.state.serde.SerdeTesting.snapshotRoundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.SerializationException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PrimitiveArraySerializersTest {

  /** A Flink-style accumulator: a sum and a count in a {@code long[2]}. */
  record Average(String name, long[] sumAndCount) {}

  @Test
  void primitiveArrays_roundTripAndCopiesAreIndependent() {
    long[] longs = {Long.MIN_VALUE, -1, 0, 7, Long.MAX_VALUE};
    assertThat(roundTrip(Serializers.LONG_ARRAY, longs)).containsExactly(longs);
    assertThat(roundTrip(Serializers.INT_ARRAY, new int[] {Integer.MIN_VALUE, 0, 42})).containsExactly(Integer.MIN_VALUE, 0, 42);
    assertThat(roundTrip(Serializers.DOUBLE_ARRAY, new double[] {-0.0, Double.NaN, 1.5}))
        .containsExactly(-0.0, Double.NaN, 1.5);
    assertThat(roundTrip(Serializers.LONG_ARRAY, new long[0])).isEmpty();

    long[] copy = Serializers.LONG_ARRAY.copy(longs);
    copy[0] = 1;
    assertThat(longs[0]).isEqualTo(Long.MIN_VALUE);
    assertThat(Serializers.LONG_ARRAY.isImmutable()).isFalse();
  }

  @Test
  void primitiveArrays_formatIsVarIntLengthThenBigEndianElements() {
    assertThat(bytesOf(Serializers.INT_ARRAY, new int[] {1, -1}))
        .containsExactly(2, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF);
    assertThat(bytesOf(Serializers.LONG_ARRAY, new long[] {258})).containsExactly(1, 0, 0, 0, 0, 0, 0, 1, 2);
  }

  @Test
  void primitiveArrays_hugeDeclaredLength_isSerializationExceptionBeforeAllocating() {
    byte[] bytes = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 1, 2, 3, 4, 5, 6, 7, 8};
    for (TypeSerializer<?> s : new TypeSerializer<?>[] {Serializers.LONG_ARRAY, Serializers.INT_ARRAY, Serializers.DOUBLE_ARRAY}) {
      assertThatThrownBy(() -> read(s, bytes)).as(s.toString())
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("declared length 2147483647");
    }
  }

  @Test
  void stableHash_primitiveArrays_isArraysHashCode() {
    assertThat(Serializers.LONG_ARRAY.stableHash(new long[] {1, 2})).isEqualTo(Arrays.hashCode(new long[] {1, 2}));
    assertThat(Serializers.INT_ARRAY.stableHash(new int[] {1, 2})).isEqualTo(994);
    assertThat(Serializers.DOUBLE_ARRAY.stableHash(new double[] {1.0})).isEqualTo(Arrays.hashCode(new double[] {1.0}));
  }

  @Test
  void primitiveArrays_snapshotsAreVersionedAndTellTheTypesApart() {
    assertThat(snapshotRoundTrip(Serializers.LONG_ARRAY)).isEqualTo(Serializers.LONG_ARRAY.snapshot());
    assertThat(Serializers.LONG_ARRAY.snapshot().id()).isEqualTo("cairn.long-array");
    assertThat(Serializers.INT_ARRAY.snapshot().id()).isEqualTo("cairn.int-array");
    assertThat(Serializers.DOUBLE_ARRAY.snapshot().id()).isEqualTo("cairn.double-array");
    assertThat(Serializers.DOUBLE_ARRAY.snapshot().version()).isEqualTo(1);
    assertThat(compatibility(Serializers.LONG_ARRAY, Serializers.LONG_ARRAY).isCompatibleAsIs()).isTrue();
    assertThat(compatibility(Serializers.LONG_ARRAY, Serializers.INT_ARRAY).isCompatibleAsIs()).isFalse();
  }

  @Test
  void record_withLongArrayComponent_isDerivedWithoutKryo() {
    TypeSerializer<Average> serializer = Serializers.record(Average.class);
    Average read = roundTrip(serializer, new Average("latency", new long[] {120, 4}));
    assertThat(read.name()).isEqualTo("latency");
    assertThat(read.sumAndCount()).containsExactly(120, 4);
    assertThat(serializer.isImmutable()).isFalse();
  }
}
