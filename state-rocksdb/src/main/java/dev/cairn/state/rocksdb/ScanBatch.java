package dev.cairn.state.rocksdb;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The entries one {@link RocksDbKeyedBackend#scan} read: full RocksDB keys and, when asked for,
 * values, packed into one array that the next scan reuses, so that reading a map allocates no array
 * per entry.
 */
final class ScanBatch {

  private byte[] bytes = new byte[512];
  /** Per entry: where its key starts, where its value starts (the key's end), where its value ends. */
  private int[] bounds = new int[3 * 16];
  private int size;
  private int used;

  /** Returns the number of entries. */
  int size() {
    return size;
  }

  /** Returns the array holding every entry's bytes. */
  byte[] bytes() {
    return bytes;
  }

  int keyOffset(int entry) {
    return bounds[3 * entry];
  }

  int keyLength(int entry) {
    return bounds[3 * entry + 1] - bounds[3 * entry];
  }

  int valueOffset(int entry) {
    return bounds[3 * entry + 1];
  }

  int valueLength(int entry) {
    return bounds[3 * entry + 2] - bounds[3 * entry + 1];
  }

  /** Returns a copy of an entry's key. */
  byte[] copyKey(int entry) {
    return Arrays.copyOfRange(bytes, bounds[3 * entry], bounds[3 * entry + 1]);
  }

  void clear() {
    size = 0;
    used = 0;
  }

  /**
   * Appends an entry: the bytes from position to limit of {@code key} and of {@code value} (none
   * when null). The buffers' positions do not move.
   */
  void add(ByteBuffer key, ByteBuffer value) {
    int keyLength = key.remaining();
    int valueLength = value == null ? 0 : value.remaining();
    if (used + keyLength + valueLength > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(used + keyLength + valueLength, 2 * bytes.length));
    }
    if (3 * size + 3 > bounds.length) {
      bounds = Arrays.copyOf(bounds, 2 * bounds.length);
    }
    bounds[3 * size] = used;
    key.get(key.position(), bytes, used, keyLength);
    used += keyLength;
    bounds[3 * size + 1] = used;
    if (value != null) {
      value.get(value.position(), bytes, used, valueLength);
      used += valueLength;
    }
    bounds[3 * size + 2] = used;
    size++;
  }
}
