package dev.cairn.checkpoint.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;

/** The file layer over the local file system (java.nio), never following symbolic links. */
final class LocalFileLayer implements FileLayer {

  static final LocalFileLayer INSTANCE = new LocalFileLayer();

  private LocalFileLayer() {}

  @Override
  public SyncableOutputStream create(Path file) throws IOException {
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    return new SyncableOutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }

      @Override
      public void sync() throws IOException {
        channel.force(true);
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }

  @Override
  public AutoCloseable lock(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      java.nio.channels.FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        return null; // held by another process
      }
      return channel::close; // closing the channel releases the lock
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public InputStream open(Path file) throws IOException {
    return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    // link(2) then unlink(2): the link fails atomically if `to` exists, whereas rename(2) would replace
    // it; a check followed by a rename lets two racing writers both "succeed" (the storage contract's
    // race test caught it). A crash between the two leaves the temporary name, which cleanup removes.
    try {
      Files.createLink(to, from);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | IOException e) {
      // no hard links on this file system: the best it offers is a check, then an atomic move
      if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
        throw new java.nio.file.FileAlreadyExistsException(to.toString());
      }
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    Files.delete(from);
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    // Opening a directory for reading and forcing it is how the JDK fsyncs a directory on Linux and
    // macOS; Windows cannot open directories and orders metadata itself.
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (!System.getProperty("os.name", "").startsWith("Windows")) {
        throw e;
      }
    }
  }

  @Override
  public void createDirectory(Path directory) throws IOException {
    Files.createDirectory(directory);
  }

  @Override
  public void delete(Path path) throws IOException {
    if (type(path) == EntryType.OTHER) {
      throw new IOException("refusing to delete " + path + ": not a regular file or directory (a symbolic link?)");
    }
    try {
      Files.deleteIfExists(path);
    } catch (NoSuchFileException e) {
      // raced with another delete: the outcome is the same
    }
  }

  @Override
  public List<Path> list(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.toList();
    }
  }

  @Override
  public EntryType type(Path path) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return EntryType.MISSING;
    }
    if (attributes.isRegularFile()) {
      return EntryType.FILE;
    }
    return attributes.isDirectory() ? EntryType.DIRECTORY : EntryType.OTHER;
  }

  @Override
  public long size(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
  }
}
