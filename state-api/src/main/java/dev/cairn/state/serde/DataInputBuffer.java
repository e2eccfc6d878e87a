package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;

/**
 * Reads what {@link DataOutputBuffer} wrote, from a byte array range. Every read is bounds-checked: a
 * read past the end, or a declared length larger than the bytes left, throws {@link
 * SerializationException} before anything is allocated. Not thread-safe; reusable with {@link
 * #wrap(byte[], int, int)}.
 */
public final class DataInputBuffer {

  private byte[] buffer;
  private int position;
  private int limit;

  /** Creates an empty buffer; call {@link #wrap} before reading. */
  public DataInputBuffer() {
    this(new byte[0]);
  }

  /** Creates a buffer reading all of {@code bytes}. */
  public DataInputBuffer(byte[] bytes) {
    wrap(bytes, 0, bytes.length);
  }

  /** Reads all of {@code bytes} from now on. */
  public DataInputBuffer wrap(byte[] bytes) {
    return wrap(bytes, 0, bytes.length);
  }

  /** Reads {@code bytes[offset, offset + length)} from now on. */
  public DataInputBuffer wrap(byte[] bytes, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > bytes.length || offset + length < 0) {
      throw new IllegalArgumentException(
          "range [" + offset + ", " + offset + "+" + length + ") outside array of " + bytes.length);
    }
    this.buffer = bytes;
    this.position = offset;
    this.limit = offset + length;
    return this;
  }

  /** Returns the number of bytes not read yet. */
  public int remaining() {
    return limit - position;
  }

  /** Returns the read position within the wrapped array. */
  public int position() {
    return position;
  }

  /** Returns the wrapped array. */
  public byte[] array() {
    return buffer;
  }

  /** Skips {@code n} bytes. */
  public void skip(int n) {
    require(n);
    position += n;
  }

  private void require(int n) {
    if (n < 0 || n > limit - position) {
      throw new SerializationException(
          "truncated or corrupt data: need " + n + " bytes at position " + position + ", "
              + (limit - position) + " left");
    }
  }

  public byte readByte() {
    require(1);
    return buffer[position++];
  }

  public int readUnsignedByte() {
    return readByte() & 0xFF;
  }

  public boolean readBoolean() {
    byte b = readByte();
    if (b == 0) {
      return false;
    }
    if (b == 1) {
      return true;
    }
    throw new SerializationException("corrupt data: boolean byte " + b + " at position " + (position - 1));
  }

  public short readShort() {
    require(2);
    byte[] b = buffer;
    int p = position;
    position = p + 2;
    return (short) (((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF));
  }

  public char readChar() {
    return (char) readShort();
  }

  public int readInt() {
    require(4);
    byte[] b = buffer;
    int p = position;
    position = p + 4;
    return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
  }

  public long readLong() {
    require(8);
    byte[] b = buffer;
    int p = position;
    position = p + 8;
    return ((long) (b[p] & 0xFF) << 56)
        | ((long) (b[p + 1] & 0xFF) << 48)
        | ((long) (b[p + 2] & 0xFF) << 40)
        | ((long) (b[p + 3] & 0xFF) << 32)
        | ((long) (b[p + 4] & 0xFF) << 24)
        | ((b[p + 5] & 0xFF) << 16)
        | ((b[p + 6] & 0xFF) << 8)
        | (b[p + 7] & 0xFF);
  }

  public float readFloat() {
    return Float.intBitsToFloat(readInt());
  }

  public double readDouble() {
    return Double.longBitsToDouble(readLong());
  }

  /**
   * Reads a var-int written by {@link DataOutputBuffer#writeVarInt(int)}: 1 to 5 bytes, of which the
   * fifth may carry only the top 3 bits of a non-negative int.
   */
  public int readVarInt() {
    int result = 0;
    for (int shift = 0; shift < 28; shift += 7) {
      int b = readByte();
      result |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    int last = readByte();
    if ((last & ~0x07) != 0) { // more bits than a non-negative int has, or a sixth byte
      throw new SerializationException("corrupt data: bad var-int before position " + position);
    }
    return result | (last << 28);
  }

  /**
   * Reads a length written by {@link DataOutputBuffer#writeVarInt} for something at least {@code
   * bytesPerUnit} bytes per unit, and checks that many bytes are left before anyone allocates for it.
   */
  public int readLength(int bytesPerUnit) {
    int n = readVarInt();
    if ((long) n * bytesPerUnit > remaining()) {
      throw new SerializationException(
          "truncated or corrupt data: declared length " + n + " exceeds the " + remaining()
              + " bytes left at position " + position);
    }
    return n;
  }

  /** Reads {@code length} bytes into a new array. */
  public byte[] readBytes(int length) {
    require(length);
    byte[] out = new byte[length];
    System.arraycopy(buffer, position, out, 0, length);
    position += length;
    return out;
  }

  /** Reads a var-int length and then that many bytes. */
  public byte[] readLengthPrefixed() {
    return readBytes(readLength(1));
  }

  /** Reads a string written by {@link DataOutputBuffer#writeString(String)}. */
  public String readString() {
    int n = readLength(1);
    char[] chars = new char[n];
    byte[] b = buffer;
    for (int i = 0; i < n; i++) {
      require(1);
      int c = b[position] & 0xFF;
      if (c < 0x80) {
        position++;
        chars[i] = (char) c;
      } else if ((c & 0xE0) == 0xC0) {
        require(2);
        continuation(b[position + 1]);
        chars[i] = (char) (((c & 0x1F) << 6) | (b[position + 1] & 0x3F));
        position += 2;
      } else if ((c & 0xF0) == 0xE0) {
        require(3);
        continuation(b[position + 1]);
        continuation(b[position + 2]);
        chars[i] = (char) (((c & 0x0F) << 12) | ((b[position + 1] & 0x3F) << 6) | (b[position + 2] & 0x3F));
        position += 3;
      } else {
        throw new SerializationException("corrupt string data: byte " + c + " at position " + position);
      }
    }
    return new String(chars);
  }

  private void continuation(byte b) {
    if ((b & 0xC0) != 0x80) {
      throw new SerializationException(
          "corrupt string data: byte " + (b & 0xFF) + " is not a continuation byte near position " + position);
    }
  }
}
