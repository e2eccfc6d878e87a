package dev.cairn.state.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DataBuffersTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455, 268_435_456, Integer.MAX_VALUE})
  void varInt_edges_roundTripInMinimalBytes(int v) {
    DataOutputBuffer out = new DataOutputBuffer();
    out.writeVarInt(v);
    int expectedLength = v < (1 << 7) ? 1 : v < (1 << 14) ? 2 : v < (1 << 21) ? 3 : v < (1 << 28) ? 4 : 5;
    assertThat(out.length()).isEqualTo(expectedLength);
    DataInputBuffer in = new DataInputBuffer(out.toByteArray());
    assertThat(in.readVarInt()).isEqualTo(v);
    assertThat(in.remaining()).isZero();
  }

  @Test
  void writeVarInt_negative_isRejected() {
    assertThatThrownBy(() -> new DataOutputBuffer().writeVarInt(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readVarInt_fifthByteWithBitsBeyondAnInt_isCorrupt() {
    // 0x10 in the fifth byte is bit 32: it used to be shifted out silently and read as 0.
    byte[] lostBits = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10};
    byte[] negative = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
    byte[] sixBytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00};
    for (byte[] bytes : new byte[][] {lostBits, negative, sixBytes}) {
      assertThatThrownBy(() -> new DataInputBuffer(bytes).readVarInt())
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("var-int");
    }
  }

  @Test
  void readVarInt_truncated_isSerializationException() {
    assertThatThrownBy(() -> new DataInputBuffer(new byte[] {(byte) 0x80, (byte) 0x80}).readVarInt())
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void fixedWidthNumbers_roundTripBigEndian() {
    DataOutputBuffer out = new DataOutputBuffer(1);
    out.writeShort(0x1234);
    out.writeInt(0xCAFEBABE);
    out.writeLong(0x0102030405060708L);
    out.writeLong(Long.MIN_VALUE);
    out.writeDouble(-0.0);
    out.writeFloat(Float.NaN);
    out.writeChar('\uFFFF');
    out.writeBoolean(true);
    byte[] bytes = out.toByteArray();
    assertThat(bytes).startsWith(0x12, 0x34, 0xCA, 0xFE, 0xBA, 0xBE, 1, 2, 3, 4, 5, 6, 7, 8);
    DataInputBuffer in = new DataInputBuffer(bytes);
    assertThat(in.readShort()).isEqualTo((short) 0x1234);
    assertThat(in.readInt()).isEqualTo(0xCAFEBABE);
    assertThat(in.readLong()).isEqualTo(0x0102030405060708L);
    assertThat(in.readLong()).isEqualTo(Long.MIN_VALUE);
    assertThat(Double.doubleToRawLongBits(in.readDouble())).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(in.readFloat()).isNaN();
    assertThat(in.readChar()).isEqualTo('\uFFFF');
    assertThat(in.readBoolean()).isTrue();
    assertThat(in.remaining()).isZero();
  }

  @Test
  void reads_pastTheEnd_areSerializationExceptions() {
    byte[] three = {1, 2, 3};
    assertThatThrownBy(() -> new DataInputBuffer(three).readInt()).isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> new DataInputBuffer(three).readLong()).isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> new DataInputBuffer(three).readBytes(4)).isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> new DataInputBuffer(three).readBytes(-1)).isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> new DataInputBuffer(three).skip(4)).isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> new DataInputBuffer().readByte()).isInstanceOf(SerializationException.class);
  }

  @Test
  void wrap_range_readsOnlyThatRange() {
    DataInputBuffer in = new DataInputBuffer().wrap(new byte[] {9, 1, 2, 9}, 1, 2);
    assertThat(in.position()).isEqualTo(1);
    assertThat(in.remaining()).isEqualTo(2);
    assertThat(in.readShort()).isEqualTo((short) 0x0102);
    assertThatThrownBy(in::readByte).isInstanceOf(SerializationException.class);
  }

  @Test
  void wrap_rangeOutsideArray_isRejected() {
    byte[] four = new byte[4];
    DataInputBuffer in = new DataInputBuffer();
    assertThatThrownBy(() -> in.wrap(four, 3, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> in.wrap(four, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> in.wrap(four, 1, Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readBoolean_otherThanZeroOrOne_isCorrupt() {
    assertThatThrownBy(() -> new DataInputBuffer(new byte[] {2}).readBoolean())
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("boolean");
  }

  @Test
  void readLengthPrefixed_hugeDeclaredLength_failsBeforeAllocating() {
    DataOutputBuffer out = new DataOutputBuffer();
    out.writeVarInt(Integer.MAX_VALUE);
    out.writeBytes(new byte[] {1, 2, 3});
    assertThatThrownBy(() -> new DataInputBuffer(out.toByteArray()).readLengthPrefixed())
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("declared length " + Integer.MAX_VALUE)
        .hasMessageContaining("3 bytes left");
  }

  @Test
  void readLength_perUnitSize_boundsTheCount() {
    DataOutputBuffer out = new DataOutputBuffer();
    out.writeVarInt(2);
    out.writeBytes(new byte[15]);
    assertThat(new DataInputBuffer(out.toByteArray()).readLength(7)).isEqualTo(2);
    assertThatThrownBy(() -> new DataInputBuffer(out.toByteArray()).readLength(8))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void readString_badContinuationByte_isCorrupt() {
    // 2-byte lead 0xC3 followed by an ASCII byte, and a 3-byte lead followed by one
    byte[] twoByte = {1, (byte) 0xC3, 0x41};
    byte[] threeByte = {1, (byte) 0xE2, (byte) 0x82, 0x41};
    for (byte[] bytes : new byte[][] {twoByte, threeByte}) {
      assertThatThrownBy(() -> new DataInputBuffer(bytes).readString())
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("continuation");
    }
  }

  @Test
  void readString_fourByteLead_isCorrupt() {
    assertThatThrownBy(() -> new DataInputBuffer(new byte[] {1, (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}).readString())
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void readString_truncatedMultiByteChar_isSerializationException() {
    DataOutputBuffer out = new DataOutputBuffer();
    out.writeString("€");
    byte[] bytes = out.toByteArray();
    for (int cut = 0; cut < bytes.length; cut++) {
      DataInputBuffer in = new DataInputBuffer().wrap(bytes, 0, cut);
      assertThatThrownBy(in::readString).isInstanceOf(SerializationException.class);
    }
  }

  @Test
  void writeString_nulAndSupplementaryChars_useModifiedUtf8() {
    DataOutputBuffer out = new DataOutputBuffer();
    out.writeString("\u0000\uD83D\uDE00");
    // count 3 (UTF-16 units), NUL as C0 80, each surrogate as 3 bytes
    assertThat(out.toByteArray())
        .containsExactly(3, 0xC0, 0x80, 0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80);
  }

  @Test
  void outputBuffer_grows_truncates_andResets() {
    DataOutputBuffer out = new DataOutputBuffer(1);
    byte[] big = new byte[100_000];
    big[99_999] = 7;
    out.writeBytes(big);
    out.writeInt(42);
    assertThat(out.length()).isEqualTo(100_004);
    assertThat(out.copyOfRange(99_999)).containsExactly(7, 0, 0, 0, 42);
    out.truncate(100_000);
    assertThat(out.toByteArray()).hasSize(100_000);
    assertThatThrownBy(() -> out.truncate(100_001)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> out.truncate(-1)).isInstanceOf(IllegalArgumentException.class);
    out.reset();
    assertThat(out.length()).isZero();
    assertThat(out.array().length).isGreaterThanOrEqualTo(100_004);
  }
}
