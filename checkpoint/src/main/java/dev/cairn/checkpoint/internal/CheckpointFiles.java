package dev.cairn.checkpoint.internal;

import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.checkpoint.storage.CorruptFileException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Writes and reads framed checkpoint files. Every file is
 *
 * <pre>
 * magic:int formatVersion:int payload:byte[n] payloadLength:long crc32c:int END_MAGIC:int
 * </pre>
 *
 * where the CRC32C covers the header and the payload. Files are written through {@link
 * CheckpointStorage#create} (durable and visible only once committed). Readers check the framing and
 * the checksum in the same pass that hands the payload on: one read per file, and a file changed
 * between a check and a read cannot slip through. A failed write is never retried on the same file
 * (the whole checkpoint fails instead).
 */
public final class CheckpointFiles {

  /** Writes a file's payload. */
  @FunctionalInterface
  public interface PayloadWriter {
    void write(OutputStream out) throws IOException;
  }

  static final int END_MAGIC = 0x43454E44; // "CEND"
  static final int HEADER_BYTES = 8;
  static final int TRAILER_BYTES = 16;

  private CheckpointFiles() {}

  /**
   * Writes {@code name} atomically and durably.
   *
   * @return the file's record for the metadata (private, named {@code name})
   * @throws IOException if any step fails; then the file does not exist
   */
  public static StoredFile write(CheckpointStorage storage, String name, int magic, int version, PayloadWriter payload)
      throws IOException {
    FramedOutputStream out = create(storage, name, magic, version);
    try {
      payload.write(out);
    } catch (IOException | RuntimeException e) {
      out.abort();
      throw e;
    }
    return out.commit();
  }

  /** Returns {@code payload} framed: the bytes of a whole file, for {@link CheckpointStorage#commitMetadata}. */
  public static byte[] frame(int magic, int version, byte[] payload) {
    CRC32C crc = new CRC32C();
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putInt(magic).putInt(version);
    crc.update(header.array());
    crc.update(payload);
    return ByteBuffer.allocate(HEADER_BYTES + payload.length + TRAILER_BYTES)
        .put(header.array())
        .put(payload)
        .putLong(payload.length)
        .putInt((int) crc.getValue())
        .putInt(END_MAGIC)
        .array();
  }

  /**
   * Starts writing {@code name}: {@link FramedOutputStream#commit()} finishes it, {@link
   * FramedOutputStream#abort()} abandons it.
   */
  public static FramedOutputStream create(CheckpointStorage storage, String name, int magic, int version)
      throws IOException {
    return create(storage, name, false, magic, version);
  }

  /** Starts writing the shared file {@code path} ({@code shared/...} in the job's storage), like {@link #create}. */
  public static FramedOutputStream createShared(CheckpointStorage job, String path, int magic, int version)
      throws IOException {
    return create(job, path, true, magic, version);
  }

  private static FramedOutputStream create(CheckpointStorage storage, String name, boolean shared, int magic, int version)
      throws IOException {
    CheckpointStorage.Output raw = storage.create(name);
    FramedOutputStream out = new FramedOutputStream(raw, storage.describe(name), name, shared);
    try {
      out.write(ByteBuffer.allocate(HEADER_BYTES).putInt(magic).putInt(version).array());
    } catch (IOException | RuntimeException e) {
      out.abort();
      throw e;
    }
    return out;
  }

  /**
   * A framed file being written. Counts and checksums what passes through, in a 64 KiB buffer.
   * {@link #close()} commits, unless {@link #abort()} was called.
   */
  public static final class FramedOutputStream extends OutputStream {
    private final CheckpointStorage.Output raw;
    private final String location;
    private final String name;
    private final boolean shared;
    private final CRC32C crc = new CRC32C();
    private final byte[] buffer = new byte[64 * 1024];
    private int buffered;
    private long count;
    private StoredFile committed;
    private boolean aborted;

    private FramedOutputStream(CheckpointStorage.Output raw, String location, String name, boolean shared) {
      this.raw = raw;
      this.location = location;
      this.name = name;
      this.shared = shared;
    }

    @Override
    public void write(int b) throws IOException {
      checkOpen();
      if (buffered == buffer.length) {
        flushBuffer();
      }
      buffer[buffered++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      checkOpen();
      if (len >= buffer.length) {
        flushBuffer();
        crc.update(b, off, len);
        raw.write(b, off, len);
        count += len;
        return;
      }
      if (len > buffer.length - buffered) {
        flushBuffer();
      }
      System.arraycopy(b, off, buffer, buffered, len);
      buffered += len;
    }

    private void flushBuffer() throws IOException {
      if (buffered > 0) {
        crc.update(buffer, 0, buffered);
        raw.write(buffer, 0, buffered);
        count += buffered;
        buffered = 0;
      }
    }

    private void checkOpen() {
      if (committed != null || aborted) {
        throw new IllegalStateException("file " + location + " is already " + (aborted ? "aborted" : "committed"));
      }
    }

    /**
     * Writes the trailer and commits the file. On failure it is abandoned and the exception rethrown.
     *
     * @return the committed file's record
     */
    public StoredFile commit() throws IOException {
      if (committed != null) {
        return committed;
      }
      checkOpen();
      try {
        flushBuffer();
        long payloadLength = count - HEADER_BYTES;
        int checksum = (int) crc.getValue();
        raw.write(ByteBuffer.allocate(TRAILER_BYTES).putLong(payloadLength).putInt(checksum).putInt(END_MAGIC).array());
        raw.commit();
        committed = new StoredFile(name, shared, count + TRAILER_BYTES, checksum);
      } catch (IOException | RuntimeException e) {
        abort();
        throw e;
      }
      return committed;
    }

    /** Abandons the file. Idempotent; no-op once committed. */
    public void abort() {
      if (committed != null || aborted) {
        return;
      }
      aborted = true;
      raw.abort();
    }

    /** Returns the committed file's record, or null if not committed (yet). */
    public StoredFile committed() {
      return committed;
    }

    /** Commits, unless aborted. */
    @Override
    public void close() throws IOException {
      if (!aborted) {
        commit();
      }
    }
  }

  /**
   * Opens the payload of {@code name}, verifying as it is read: the header at once; the trailer,
   * the payload length and the CRC32C when the payload's end is reached (the last {@code read}
   * fails with {@link CorruptFileException} instead of returning -1 if anything does not match); and,
   * if {@code expected} is not null, the size and checksum the metadata recorded.
   *
   * @param maxPayloadBytes files with a longer payload are rejected before anything is read
   * @throws CorruptFileException naming the file if the header or size is wrong
   * @throws IOException if it cannot be read
   */
  public static InputStream openVerified(
      CheckpointStorage storage, String name, int magic, int version, StoredFile expected, long maxPayloadBytes)
      throws IOException {
    return open(storage, name, magic, version, version, expected, maxPayloadBytes);
  }

  /**
   * Reads the whole file and checks it like {@link #openVerified}.
   *
   * @throws CorruptFileException naming the file if anything does not match
   */
  public static void verify(CheckpointStorage storage, String name, int magic, int version, StoredFile expected)
      throws IOException {
    try (InputStream in = openVerified(storage, name, magic, version, expected, Long.MAX_VALUE)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  /** A small file's whole payload and the format version it was written in. */
  public record Payload(int version, byte[] bytes) {}

  /**
   * Reads a small file (metadata, operator state) whole, verified like {@link #openVerified}, accepting
   * format versions {@code minVersion} to {@code maxVersion}.
   */
  public static Payload readVerified(
      CheckpointStorage storage, String name, int magic, int minVersion, int maxVersion, StoredFile expected,
      int maxPayloadBytes) throws IOException {
    try (VerifyingInputStream in = open(storage, name, magic, minVersion, maxVersion, expected, maxPayloadBytes)) {
      return new Payload(in.version, in.readAllBytes());
    }
  }

  private static VerifyingInputStream open(
      CheckpointStorage storage, String name, int magic, int minVersion, int maxVersion, StoredFile expected,
      long maxPayloadBytes) throws IOException {
    String location = storage.describe(name);
    long size = storage.size(name);
    if (expected != null && size != expected.size()) {
      throw new CorruptFileException(location, "size " + size + " bytes, metadata says " + expected.size());
    }
    if (size < HEADER_BYTES + TRAILER_BYTES) {
      throw new CorruptFileException(location, "truncated to " + size + " bytes");
    }
    long payloadLength = size - HEADER_BYTES - TRAILER_BYTES;
    if (payloadLength > maxPayloadBytes) {
      throw new CorruptFileException(
          location, payloadLength + " bytes of payload, more than the " + maxPayloadBytes + " allowed");
    }
    InputStream raw = storage.open(name);
    try {
      VerifyingInputStream in =
          new VerifyingInputStream(raw, location, payloadLength, expected == null ? null : expected.crc32c());
      in.version = in.readHeader(magic, minVersion, maxVersion);
      return in;
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** The payload of a framed file, checked as it streams by. */
  private static final class VerifyingInputStream extends InputStream {
    private final InputStream in;
    private final String location;
    private final Integer expectedCrc;
    private final CRC32C crc = new CRC32C();
    private final long payloadLength;
    private long left;
    private boolean verified;
    private int version;

    VerifyingInputStream(InputStream in, String location, long payloadLength, Integer expectedCrc) {
      this.in = in;
      this.location = location;
      this.payloadLength = payloadLength;
      this.left = payloadLength;
      this.expectedCrc = expectedCrc;
    }

    /** Checks the header; returns the format version, which must be within [minVersion, maxVersion]. */
    int readHeader(int magic, int minVersion, int maxVersion) throws IOException {
      byte[] header = readFully(HEADER_BYTES);
      crc.update(header);
      ByteBuffer h = ByteBuffer.wrap(header);
      int actualMagic = h.getInt();
      int actualVersion = h.getInt();
      if (actualMagic != magic) {
        throw new CorruptFileException(
            location, "magic " + Integer.toHexString(actualMagic) + ", expected " + Integer.toHexString(magic));
      }
      if (actualVersion < minVersion || actualVersion > maxVersion) {
        String readable = minVersion == maxVersion ? "" + minVersion : minVersion + " to " + maxVersion;
        throw new CorruptFileException(location, "format version " + actualVersion + ", this build reads " + readable);
      }
      return actualVersion;
    }

    private byte[] readFully(int n) throws IOException {
      byte[] bytes = in.readNBytes(n);
      if (bytes.length != n) {
        throw new CorruptFileException(location, "truncated");
      }
      return bytes;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (left == 0) {
        verifyTrailer();
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new CorruptFileException(location, "truncated", new EOFException());
      }
      crc.update(b, off, n);
      left -= n;
      return n;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), left);
    }

    private void verifyTrailer() throws IOException {
      if (verified) {
        return;
      }
      ByteBuffer trailer = ByteBuffer.wrap(readFully(TRAILER_BYTES));
      long declaredLength = trailer.getLong();
      int declaredCrc = trailer.getInt();
      int endMagic = trailer.getInt();
      if (endMagic != END_MAGIC || declaredLength != payloadLength || in.read() != -1) {
        throw new CorruptFileException(location, "bad trailer (truncated or appended to)");
      }
      if (declaredCrc != (int) crc.getValue()) {
        throw new CorruptFileException(location, "CRC32C mismatch");
      }
      if (expectedCrc != null && expectedCrc != declaredCrc) {
        throw new CorruptFileException(location, "checksum differs from the metadata's record");
      }
      verified = true;
    }

    @Override
    public void close() throws IOException {
      try (in) {
        if (left == 0) { // a reader that stopped exactly at the payload's end still gets the check
          verifyTrailer();
        }
      }
    }
  }
}
