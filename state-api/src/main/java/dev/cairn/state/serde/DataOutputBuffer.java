package dev.cairn.state.serde;

import java.util.Arrays;

/**
 * A growable byte buffer that serializers write to. Multi-byte numbers are big-endian, so that
 * serialized non-negative numbers sort like their values. Not thread-safe; backends reuse one buffer
 * per thread and {@link #reset()} it between values.
 */
public final class DataOutputBuffer {

  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private byte[] buffer;
  private int position;

  /** Creates a buffer with a small initial capacity. */
  public DataOutputBuffer() {
    this(64);
  }

  /** Creates a buffer with the given initial capacity in bytes. */
  public DataOutputBuffer(int initialCapacity) {
    buffer = new byte[Math.max(16, initialCapacity)];
  }

  /** Forgets what was written; the capacity is kept. */
  public void reset() {
    position = 0;
  }

  /** Returns the number of bytes written since the last reset. */
  public int length() {
    return position;
  }

  /**
   * Moves the write position back to {@code newLength}, dropping what was written after it.
   *
   * @throws IllegalArgumentException if {@code newLength} is negative or past the written length
   */
  public void truncate(int newLength) {
    if (newLength < 0 || newLength > position) {
      throw new IllegalArgumentException("cannot truncate " + position + " bytes to " + newLength);
    }
    position = newLength;
  }

  /** Returns the internal array; bytes {@code [0, length())} are the written ones. */
  public byte[] array() {
    return buffer;
  }

  /** Returns a copy of the written bytes. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buffer, position);
  }

  /** Returns a copy of the bytes written from {@code from} to the current position. */
  public byte[] copyOfRange(int from) {
    return Arrays.copyOfRange(buffer, from, position);
  }

  private void ensure(int more) {
    int needed = position + more;
    if (needed < 0 || needed > MAX_ARRAY) {
      throw new dev.cairn.state.SerializationException(
          "serialized value too large: more than " + MAX_ARRAY + " bytes");
    }
    if (needed > buffer.length) {
      int grown = (int) Math.min(MAX_ARRAY, Math.max((long) buffer.length * 2, needed));
      buffer = Arrays.copyOf(buffer, grown);
    }
  }

  public void writeByte(int v) {
    ensure(1);
    buffer[position++] = (byte) v;
  }

  public void writeBoolean(boolean v) {
    writeByte(v ? 1 : 0);
  }

  public void writeShort(int v) {
    ensure(2);
    buffer[position++] = (byte) (v >>> 8);
    buffer[position++] = (byte) v;
  }

  public void writeChar(int v) {
    writeShort(v);
  }

  public void writeInt(int v) {
    ensure(4);
    byte[] b = buffer;
    int p = position;
    b[p] = (byte) (v >>> 24);
    b[p + 1] = (byte) (v >>> 16);
    b[p + 2] = (byte) (v >>> 8);
    b[p + 3] = (byte) v;
    position = p + 4;
  }

  public void writeLong(long v) {
    ensure(8);
    byte[] b = buffer;
    int p = position;
    b[p] = (byte) (v >>> 56);
    b[p + 1] = (byte) (v >>> 48);
    b[p + 2] = (byte) (v >>> 40);
    b[p + 3] = (byte) (v >>> 32);
    b[p + 4] = (byte) (v >>> 24);
    b[p + 5] = (byte) (v >>> 16);
    b[p + 6] = (byte) (v >>> 8);
    b[p + 7] = (byte) v;
    position = p + 8;
  }

  public void writeFloat(float v) {
    writeInt(Float.floatToIntBits(v));
  }

  public void writeDouble(double v) {
    writeLong(Double.doubleToLongBits(v));
  }

  /** Writes a non-negative int in 1 to 5 bytes (unsigned LEB128). */
  public void writeVarInt(int v) {
    if (v < 0) {
      throw new IllegalArgumentException("var-int must be non-negative, got " + v);
    }
    ensure(5);
    while ((v & ~0x7F) != 0) {
      buffer[position++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buffer[position++] = (byte) v;
  }

  public void writeBytes(byte[] bytes) {
    writeBytes(bytes, 0, bytes.length);
  }

  public void writeBytes(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, buffer, position, length);
    position += length;
  }

  /** Writes a var-int length and then the bytes. */
  public void writeLengthPrefixed(byte[] bytes, int offset, int length) {
    writeVarInt(length);
    writeBytes(bytes, offset, length);
  }

  /**
   * Writes a string as a var-int count of UTF-16 units followed by each unit in 1 to 3 bytes (the
   * encoding of {@link java.io.DataOutput#writeUTF}, without its 64 KiB limit).
   */
  public void writeString(String s) {
    int n = s.length();
    writeVarInt(n);
    ensure(n);
    int i = 0;
    byte[] b = buffer;
    int p = position;
    for (; i < n; i++) { // ASCII fast path
      char c = s.charAt(i);
      if (c == 0 || c >= 0x80) {
        break;
      }
      b[p++] = (byte) c;
    }
    position = p;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c != 0 && c < 0x80) {
        writeByte(c);
      } else if (c < 0x800) {
        ensure(2);
        buffer[position++] = (byte) (0xC0 | (c >> 6));
        buffer[position++] = (byte) (0x80 | (c & 0x3F));
      } else {
        ensure(3);
        buffer[position++] = (byte) (0xE0 | (c >> 12));
        buffer[position++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buffer[position++] = (byte) (0x80 | (c & 0x3F));
      }
    }
  }
}
