package dev.cairn.state.serde;

import static dev.cairn.state.serde.SerdeTesting.bytesOf;
import static dev.cairn.state.serde.SerdeTesting.read;
import static dev.cairn.state.serde.SerdeTesting.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.SerializationException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScalarSerializersTest {

  @Test
  void scalars_extremes_roundTrip() {
    for (long v : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
      assertThat(roundTrip(Serializers.LONG, v)).isEqualTo(v);
    }
    for (int v : new int[] {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      assertThat(roundTrip(Serializers.INT, v)).isEqualTo(v);
    }
    for (short v : new short[] {0, -1, Short.MIN_VALUE, Short.MAX_VALUE}) {
      assertThat(roundTrip(Serializers.SHORT, v)).isEqualTo(v);
    }
    for (byte v : new byte[] {0, -1, Byte.MIN_VALUE, Byte.MAX_VALUE}) {
      assertThat(roundTrip(Serializers.BYTE, v)).isEqualTo(v);
    }
    assertThat(roundTrip(Serializers.BOOLEAN, true)).isTrue();
    assertThat(roundTrip(Serializers.BOOLEAN, false)).isFalse();
    for (double v : new double[] {0.0, -0.0, Double.NaN, Double.MIN_VALUE, Double.NEGATIVE_INFINITY}) {
      assertThat(Double.doubleToRawLongBits(roundTrip(Serializers.DOUBLE, v))).isEqualTo(Double.doubleToRawLongBits(v));
    }
    for (float v : new float[] {0.0f, -0.0f, Float.NaN, Float.MAX_VALUE}) {
      assertThat(Float.floatToRawIntBits(roundTrip(Serializers.FLOAT, v))).isEqualTo(Float.floatToRawIntBits(v));
    }
    for (char v : new char[] {0, 'a', '\uD800', '\uFFFF'}) {
      assertThat(roundTrip(Serializers.CHAR, v)).isEqualTo(v);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "user-1", "\u0000", "a\u0000b", "é", "€uro", "日本語", "\uD83D\uDE00 smile",
      "\u007F\u0080\u07FF\u0800\uFFFF"})
  void string_unicodeAndNul_roundTrips(String s) {
    assertThat(roundTrip(Serializers.STRING, s)).isEqualTo(s);
  }

  @Test
  void string_loneSurrogates_roundTrip() {
    String s = "x\uD800y\uDFFF";
    assertThat(roundTrip(Serializers.STRING, s)).isEqualTo(s);
  }

  @Test
  void string_hugeMixed_roundTrips() {
    StringBuilder b = new StringBuilder();
    Random random = new Random(7);
    while (b.length() < 3_000_000) {
      b.append((char) random.nextInt(0x10000));
      b.append("ascii run ");
    }
    String s = b.toString();
    assertThat(roundTrip(Serializers.STRING, s)).isEqualTo(s);
  }

  @Test
  void bytes_tenMebibytes_roundTripAndCopyIsIndependent() {
    byte[] big = new byte[10 * 1024 * 1024];
    new Random(1).nextBytes(big);
    assertThat(roundTrip(Serializers.BYTES, big)).isEqualTo(big);
    byte[] copy = Serializers.BYTES.copy(big);
    copy[0] ^= 1;
    assertThat(copy[0]).isNotEqualTo(big[0]);
    assertThat(Serializers.BYTES.isImmutable()).isFalse();
    assertThat(roundTrip(Serializers.BYTES, new byte[0])).isEmpty();
  }

  @Test
  void bytes_declaredLengthFarBeyondTheData_isSerializationException() {
    byte[] bytes = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 1, 2, 3}; // 2^31-1, 3 bytes
    assertThatThrownBy(() -> read(Serializers.BYTES, bytes)).isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> read(Serializers.STRING, bytes)).isInstanceOf(SerializationException.class);
  }

  @Test
  void scalars_truncatedBytes_areSerializationExceptions() {
    List<TypeSerializer<?>> all = List.of(Serializers.LONG, Serializers.INT, Serializers.SHORT, Serializers.BYTE,
        Serializers.BOOLEAN, Serializers.DOUBLE, Serializers.FLOAT, Serializers.CHAR, Serializers.STRING,
        Serializers.BYTES);
    for (TypeSerializer<?> s : all) {
      assertThatThrownBy(() -> read(s, new byte[0])).as(s.toString()).isInstanceOf(SerializationException.class);
    }
    byte[] string = bytesOf(Serializers.STRING, "héllo");
    for (int cut = 0; cut < string.length; cut++) {
      byte[] truncated = Arrays.copyOf(string, cut);
      assertThatThrownBy(() -> read(Serializers.STRING, truncated)).isInstanceOf(SerializationException.class);
    }
  }

  @Test
  void stableHash_scalars_arePinned() {
    assertThat(Serializers.LONG.stableHash(42L)).isEqualTo(42);
    assertThat(Serializers.LONG.stableHash(-1L)).isEqualTo(0);
    assertThat(Serializers.LONG.stableHash(1L << 32)).isEqualTo(1);
    assertThat(Serializers.INT.stableHash(-7)).isEqualTo(-7);
    assertThat(Serializers.STRING.stableHash("user-1")).isEqualTo(-836031825);
    assertThat(Serializers.STRING.stableHash("")).isEqualTo(0);
    assertThat(Serializers.BOOLEAN.stableHash(true)).isEqualTo(1231);
    assertThat(Serializers.BYTES.stableHash(new byte[] {1, 2, 3})).isEqualTo(30817);
    assertThat(Serializers.DOUBLE.stableHash(1.0)).isEqualTo(1072693248);
  }

  @Test
  void toString_namesTheSerializer() {
    assertThat(Serializers.LONG).hasToString("cairn.long");
    assertThat(Serializers.BYTES).hasToString("cairn.bytes");
  }
}
