package dev.cairn.checkpoint.storage;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Writes and verifies framed checkpoint files. Every file is
 *
 * <pre>
 * magic:int formatVersion:int payload:byte[n] payloadLength:long crc32c:int END_MAGIC:int
 * </pre>
 *
 * where the CRC32C covers the header and the payload, and is committed with the protocol of
 * RELIABILITY.md: written to a temporary name in the target directory, fsynced, renamed to its final
 * name, then the directory fsynced. A failure at any step deletes the temporary file and is reported;
 * a failed fsync is never retried on the same file (the whole checkpoint fails instead).
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
  static final String TEMP_PREFIX = ".tmp-";

  private CheckpointFiles() {}

  /** Returns whether {@code fileName} is a temporary file of an unfinished write. */
  public static boolean isTemporary(String fileName) {
    return fileName.startsWith(TEMP_PREFIX);
  }

  /**
   * Writes {@code target} atomically and durably.
   *
   * @return the file's size and checksum, for the metadata
   * @throws IOException if any step fails; then {@code target} does not exist and no temporary file
   *     is left (unless deleting it failed too, in which case a later cleanup removes it), except when
   *     the final directory sync fails: the file then exists but must be treated as not written
   */
  public static StoredFile write(FileLayer files, Path target, int magic, int version, PayloadWriter payload)
      throws IOException {
    FramedOutputStream out = create(files, target, magic, version);
    try {
      payload.write(out);
    } catch (IOException | RuntimeException e) {
      out.abort(e);
      throw e;
    }
    return out.commit();
  }

  /**
   * Starts writing {@code target}: the returned stream writes a temporary file, {@link
   * FramedOutputStream#commit()} finishes it with the protocol above, {@link
   * FramedOutputStream#abort(Throwable)} deletes it.
   */
  public static FramedOutputStream create(FileLayer files, Path target, int magic, int version) throws IOException {
    Path temp = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID() + "-" + target.getFileName());
    FileLayer.SyncableOutputStream raw = files.create(temp);
    FramedOutputStream out = new FramedOutputStream(files, raw, temp, target);
    try {
      out.write(ByteBuffer.allocate(HEADER_BYTES).putInt(magic).putInt(version).array());
    } catch (IOException | RuntimeException e) {
      out.abort(e);
      throw e;
    }
    return out;
  }

  /**
   * A framed file being written. Counts and checksums what passes through, in a 64 KiB buffer.
   * {@link #close()} commits, unless {@link #abort(Throwable)} was called.
   */
  public static final class FramedOutputStream extends OutputStream {
    private final FileLayer files;
    private final FileLayer.SyncableOutputStream raw;
    private final Path temp;
    private final Path target;
    private final CRC32C crc = new CRC32C();
    private final byte[] buffer = new byte[64 * 1024];
    private int buffered;
    private long count;
    private StoredFile committed;
    private boolean aborted;

    private FramedOutputStream(FileLayer files, FileLayer.SyncableOutputStream raw, Path temp, Path target) {
      this.files = files;
      this.raw = raw;
      this.temp = temp;
      this.target = target;
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
        throw new IllegalStateException("file " + target + " is already " + (aborted ? "aborted" : "committed"));
      }
    }

    /**
     * Writes the trailer, fsyncs, renames the temporary file to the target and fsyncs the directory.
     * On failure the temporary file is deleted and the exception rethrown.
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
        raw.sync();
        raw.close();
        files.rename(temp, target);
        committed = new StoredFile(target.getFileName().toString(), count + TRAILER_BYTES, checksum);
      } catch (IOException | RuntimeException e) {
        abort(e);
        throw e;
      }
      files.syncDirectory(target.getParent());
      return committed;
    }

    /** Abandons the file: closes and deletes the temporary file. Failures are added to {@code cause}. */
    public void abort(Throwable cause) {
      if (committed != null || aborted) {
        return;
      }
      aborted = true;
      try {
        raw.close();
      } catch (IOException | RuntimeException e) {
        cause.addSuppressed(e);
      }
      try {
        files.delete(temp);
      } catch (IOException | RuntimeException e) {
        cause.addSuppressed(e);
      }
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
   * Reads the whole file and checks its framing and checksum, and, if {@code expected} is not null,
   * its size and checksum against the metadata's record.
   *
   * @return the file's size and checksum
   * @throws CorruptFileException naming the file if anything does not match
   * @throws IOException if it cannot be read
   */
  public static StoredFile verify(FileLayer files, Path file, int magic, int version, StoredFile expected)
      throws IOException {
    long size = files.size(file);
    if (expected != null && size != expected.size()) {
      throw new CorruptFileException(file, "size " + size + " bytes, metadata says " + expected.size());
    }
    if (size < HEADER_BYTES + TRAILER_BYTES) {
      throw new CorruptFileException(file, "truncated to " + size + " bytes");
    }
    long payloadLength = size - HEADER_BYTES - TRAILER_BYTES;
    CRC32C crc = new CRC32C();
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(files.open(file), 64 * 1024))) {
      byte[] header = in.readNBytes(HEADER_BYTES);
      crc.update(header);
      ByteBuffer h = ByteBuffer.wrap(header);
      checkHeader(file, h.getInt(), h.getInt(), magic, version);
      byte[] chunk = new byte[64 * 1024];
      long left = payloadLength;
      while (left > 0) {
        int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
        if (n < 0) {
          throw new EOFException();
        }
        crc.update(chunk, 0, n);
        left -= n;
      }
      long declaredLength = in.readLong();
      int declaredCrc = in.readInt();
      int endMagic = in.readInt();
      if (endMagic != END_MAGIC || declaredLength != payloadLength) {
        throw new CorruptFileException(file, "bad trailer (truncated or appended to)");
      }
      if (declaredCrc != (int) crc.getValue()) {
        throw new CorruptFileException(file, "CRC32C mismatch");
      }
      if (expected != null && expected.crc32c() != declaredCrc) {
        throw new CorruptFileException(file, "checksum differs from the metadata's record");
      }
      return new StoredFile(file.getFileName().toString(), size, declaredCrc);
    } catch (EOFException e) {
      throw new CorruptFileException(file, "truncated");
    }
  }

  /**
   * Opens the payload of a file that {@link #verify} accepted. The stream ends at the payload's end.
   */
  public static InputStream openPayload(FileLayer files, Path file, int magic, int version) throws IOException {
    long payloadLength = files.size(file) - HEADER_BYTES - TRAILER_BYTES;
    DataInputStream in = new DataInputStream(new BufferedInputStream(files.open(file), 64 * 1024));
    try {
      checkHeader(file, in.readInt(), in.readInt(), magic, version);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
    return new BoundedInputStream(in, payloadLength);
  }

  private static void checkHeader(Path file, int actualMagic, int actualVersion, int magic, int version) {
    if (actualMagic != magic) {
      throw new CorruptFileException(
          file, "magic " + Integer.toHexString(actualMagic) + ", expected " + Integer.toHexString(magic));
    }
    if (actualVersion != version) {
      throw new CorruptFileException(file, "format version " + actualVersion + ", this build reads " + version);
    }
  }

  /** Ends after {@code limit} bytes. */
  private static final class BoundedInputStream extends FilterInputStream {
    private long left;

    BoundedInputStream(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(Math.min(n, left));
      left -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(super.available(), left);
    }
  }
}
