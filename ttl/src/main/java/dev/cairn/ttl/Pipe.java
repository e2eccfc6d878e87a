package dev.cairn.ttl;

import dev.cairn.state.SnapshotException;
import dev.cairn.state.StateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;

/**
 * Runs a worker on its own daemon thread at one end of an in-memory pipe while the calling thread
 * uses the other end: the streams that TTL rewrites on the fly (snapshot filtering, restore with TTL
 * added or stripped) never hold more than the pipe's buffer in memory.
 */
final class Pipe {

  /** Work on one end of the pipe. */
  interface Worker<T> {
    void run(T stream) throws IOException;
  }

  private static final int BUFFER = 256 * 1024;

  private final PipedInputStream source;
  private final PipedOutputStream sink;
  private final Thread thread;
  private volatile Throwable failure;

  private Pipe(String name, Worker<InputStream> reader, Worker<OutputStream> writer) {
    try {
      source = new PipedInputStream(BUFFER);
      sink = new PipedOutputStream(source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    thread = new Thread(() -> {
      try {
        if (reader != null) {
          try (InputStream in = source) {
            reader.run(in);
          }
        } else {
          try (OutputStream out = sink) {
            writer.run(out);
          }
        }
      } catch (Throwable t) {
        failure = t;
        closeQuietly(); // unblock the caller's end
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts {@code worker} reading what the caller writes to {@link #sink()}. */
  static Pipe reading(String name, Worker<InputStream> worker) {
    return new Pipe(name, worker, null);
  }

  /** Starts {@code worker} writing what the caller reads from {@link #source()}. */
  static Pipe writing(String name, Worker<OutputStream> worker) {
    return new Pipe(name, null, worker);
  }

  /** The end the caller writes to (for {@link #reading} pipes). */
  OutputStream sink() {
    return sink;
  }

  /** The end the caller reads from (for {@link #writing} pipes). */
  InputStream source() {
    return source;
  }

  /** Closes both ends, so that a worker blocked on the pipe fails; then waits for it. */
  void abort() {
    closeQuietly();
    join();
  }

  /**
   * Waits for the worker and returns its failure, or null. A failure of our own kind ({@link
   * StateException}) is the cause of whatever the caller saw; an {@link IOException} of the pipe is
   * usually a consequence of the caller stopping.
   */
  Throwable join() {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SnapshotException("interrupted while waiting for " + thread.getName(), e);
    }
    return failure;
  }

  /** Waits for the worker and rethrows its failure, if any. */
  void joinOrThrow() throws IOException {
    Throwable t = join();
    if (t instanceof IOException e) {
      throw e;
    }
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
  }

  private void closeQuietly() {
    try {
      source.close();
    } catch (IOException ignored) {
      // closing an in-memory pipe
    }
    try {
      sink.close();
    } catch (IOException ignored) {
      // closing an in-memory pipe
    }
  }
}
