package dev.cairn.state.spi;

import dev.cairn.state.metrics.RestoreListener;
import dev.cairn.state.metrics.RestoreProgress;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what one restore reads and loads, for backend authors: a backend starts one in {@link
 * Snapshotable#restore}, reads its inputs through {@link #inputs()} (which count bytes), reports
 * loaded entries with {@link #counting} or {@link #entries(long)}, and ends it with {@link #end(Throwable)}. At most every
 * progress interval, and only from within those calls, it tells the {@link RestoreListener} and logs
 * an INFO line (no more often than every 5 seconds), so a long restore is never silent; the start and
 * the end are always logged. Not thread-safe: one restoring thread.
 */
public final class RestoreMonitor {

  private static final Logger LOG = LoggerFactory.getLogger(RestoreMonitor.class);
  private static final long LOG_INTERVAL_NANOS = Duration.ofSeconds(5).toNanos();
  /** How many entries pass between two clock reads. */
  private static final int ENTRIES_PER_CHECK = 1024;
  /** How many bytes pass between two clock reads. */
  private static final int BYTES_PER_CHECK = 1 << 20;

  private final String backend;
  private final String snapshots;
  private final RestoreListener listener;
  private final long intervalNanos;
  private final List<SnapshotInput> inputs;
  private final long startNanos = System.nanoTime();
  private long nextProgressNanos;
  private long nextLogNanos;
  private long bytes;
  private long entries;
  private long entriesAtCheck;
  private long bytesAtCheck;

  private RestoreMonitor(String backend, Collection<SnapshotInput> inputs, RestoreListener listener, Duration interval) {
    this.backend = backend;
    this.listener = listener;
    this.intervalNanos = interval.toNanos();
    this.nextProgressNanos = startNanos + intervalNanos;
    this.nextLogNanos = startNanos + Math.max(intervalNanos, LOG_INTERVAL_NANOS);
    List<String> names = new ArrayList<>(inputs.size());
    List<SnapshotInput> counted = new ArrayList<>(inputs.size());
    for (SnapshotInput input : inputs) {
      names.add(input.description());
      counted.add(new CountingInput(input));
    }
    this.snapshots = String.join(", ", names);
    this.inputs = List.copyOf(counted);
  }

  /**
   * Starts monitoring a restore: logs it and tells the listener.
   *
   * @param backend the backend's kind, {@code "heap"} or {@code "rocksdb"}
   * @param inputs the snapshots restored
   * @param listener the listener, or null for logs only
   * @param interval the least time between two progress calls
   */
  public static RestoreMonitor start(
      String backend, Collection<SnapshotInput> inputs, RestoreListener listener, Duration interval) {
    RestoreMonitor monitor = new RestoreMonitor(backend, inputs, listener == null ? new RestoreListener() {} : listener,
        interval);
    LOG.info("Restoring {} backend from {}", backend, monitor.snapshots);
    monitor.call(l -> l.onRestoreStart(monitor.progress(0)));
    return monitor;
  }

  /** Returns the inputs to read: the restored ones, counting the bytes read from their streams. */
  public List<SnapshotInput> inputs() {
    return inputs;
  }

  /** Counts {@code count} loaded entries; may report progress. */
  public void entries(long count) {
    entries += count;
    if (entries - entriesAtCheck >= ENTRIES_PER_CHECK) {
      entriesAtCheck = entries;
      check();
    }
  }

  /** Returns {@code visitor}, counting each entry it receives as loaded. */
  public KeyedSnapshotReader.EntryVisitor counting(KeyedSnapshotReader.EntryVisitor visitor) {
    return new KeyedSnapshotReader.EntryVisitor() {
      @Override
      public void value(int stateIndex, int keyGroup, byte[] key, byte[] value) {
        visitor.value(stateIndex, keyGroup, key, value);
        entries(1);
      }

      @Override
      public void list(int stateIndex, int keyGroup, byte[] key, List<byte[]> elements) {
        visitor.list(stateIndex, keyGroup, key, elements);
        entries(1);
      }

      @Override
      public void mapEntry(int stateIndex, int keyGroup, byte[] key, byte[] userKey, byte[] value) {
        visitor.mapEntry(stateIndex, keyGroup, key, userKey, value);
        entries(1);
      }
    };
  }

  /** Counts {@code count} bytes read other than through {@link #inputs()}; may report progress. */
  public void bytes(long count) {
    bytes += count;
    if (bytes - bytesAtCheck >= BYTES_PER_CHECK) {
      bytesAtCheck = bytes;
      check();
    }
  }

  /**
   * Ends the restore: logs the totals and rates and tells the listener.
   *
   * @param failure why the restore failed, or null
   * @return the totals
   */
  public RestoreProgress end(Throwable failure) {
    RestoreProgress done = progress(System.nanoTime() - startNanos);
    if (failure == null) {
      LOG.info("Restored {} backend from {}: {} bytes, {} entries in {} ms ({} MB/s, {} entries/s)", backend,
          snapshots, done.bytes(), done.entries(), done.elapsed().toMillis(),
          String.format("%.1f", done.bytesPerSecond() / 1e6), String.format("%.0f", done.entriesPerSecond()));
    } else {
      LOG.info("Restore of {} backend from {} failed after {} bytes, {} entries, {} ms: {}", backend, snapshots,
          done.bytes(), done.entries(), done.elapsed().toMillis(), failure.toString());
    }
    call(l -> l.onRestoreEnd(done, failure));
    return done;
  }

  private void check() {
    long now = System.nanoTime();
    if (now < nextProgressNanos) {
      return;
    }
    nextProgressNanos = now + intervalNanos;
    RestoreProgress progress = progress(now - startNanos);
    if (now >= nextLogNanos) {
      nextLogNanos = now + Math.max(intervalNanos, LOG_INTERVAL_NANOS);
      LOG.info("Restoring {} backend: {} bytes, {} entries after {} s ({} MB/s, {} entries/s)", backend,
          progress.bytes(), progress.entries(), progress.elapsed().toSeconds(),
          String.format("%.1f", progress.bytesPerSecond() / 1e6), String.format("%.0f", progress.entriesPerSecond()));
    }
    call(l -> l.onRestoreProgress(progress));
  }

  private RestoreProgress progress(long elapsedNanos) {
    return new RestoreProgress(backend, snapshots, bytes, entries, Duration.ofNanos(elapsedNanos));
  }

  private void call(Consumer<RestoreListener> call) {
    try {
      call.accept(listener);
    } catch (RuntimeException e) {
      LOG.warn("Restore listener {} failed", listener, e);
    }
  }

  /** A snapshot input whose streams count what is read from them. */
  private final class CountingInput implements SnapshotInput {
    private final SnapshotInput input;

    CountingInput(SnapshotInput input) {
      this.input = input;
    }

    @Override
    public String format() {
      return input.format();
    }

    @Override
    public Set<String> streamNames() {
      return input.streamNames();
    }

    @Override
    public InputStream openStream(String name) throws IOException {
      return new FilterInputStream(input.openStream(name)) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          if (b >= 0) {
            bytes(1);
          }
          return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          int n = super.read(buffer, offset, length);
          if (n > 0) {
            bytes(n);
          }
          return n;
        }

        @Override
        public long skip(long n) throws IOException {
          long skipped = super.skip(n);
          bytes(skipped);
          return skipped;
        }
      };
    }

    @Override
    public Optional<SharedFileHandle> sharedHandle(String name) {
      return input.sharedHandle(name);
    }

    @Override
    public String description() {
      return input.description();
    }
  }
}
