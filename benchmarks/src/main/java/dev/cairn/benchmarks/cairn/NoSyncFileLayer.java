package dev.cairn.benchmarks.cairn;

import dev.cairn.checkpoint.storage.FileLayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The local file layer without its fsyncs (of files and of directories): what Flink's local file
 * system does when it writes checkpoint files. For the {@code -nosync} adapters only, which show how
 * much of a checkpoint's time is durability; a crash may lose such checkpoints.
 */
final class NoSyncFileLayer implements FileLayer {

  private final FileLayer local = FileLayer.local();

  @Override
  public SyncableOutputStream create(Path file) throws IOException {
    SyncableOutputStream out = local.create(file);
    return new SyncableOutputStream() {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void sync() {}

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }

  @Override
  public InputStream open(Path file) throws IOException {
    return local.open(file);
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    local.rename(from, to);
  }

  @Override
  public void syncDirectory(Path directory) {}

  @Override
  public void createDirectory(Path directory) throws IOException {
    local.createDirectory(directory);
  }

  @Override
  public void delete(Path path) throws IOException {
    local.delete(path);
  }

  @Override
  public List<Path> list(Path directory) throws IOException {
    return local.list(directory);
  }

  @Override
  public EntryType type(Path path) throws IOException {
    return local.type(path);
  }

  @Override
  public long size(Path file) throws IOException {
    return local.size(file);
  }

  @Override
  public AutoCloseable lock(Path file) throws IOException {
    return local.lock(file);
  }
}
