package dev.cairn.checkpoint.hdfs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.client.HdfsDataInputStream;
import org.apache.hadoop.ipc.RemoteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease of one job directory, held by one coordinator across machines, built on the NameNode's own
 * write lease: whoever has the file {@code _lock} open for writing holds it, and the NameNode lets at
 * most one client do that at a time.
 *
 * <ul>
 *   <li><b>Take</b>: {@code create(_lock, overwrite=false)}, or — when it exists — {@code append(_lock)}:
 *       both are atomic at the NameNode, which refuses them while another client has the file open
 *       ({@code AlreadyBeingCreatedException}). The taker then appends a line naming itself ({@code
 *       owner=<id>}) and flushes it. The file is never deleted, so there is no window in which a delete
 *       could remove somebody else's lease.
 *   <li><b>Renewal</b>: the Hadoop client renews its NameNode lease by itself while the process lives.
 *       Every {@code heartbeat}, the holder also sets the file's modification time (a signal to waiting
 *       takers that it lives) and checks that the file is still open and its last line is its own.
 *   <li><b>Expiry and takeover</b>: when the holder dies, its client stops renewing and the NameNode's
 *       soft limit (60 s in HDFS) runs out; the next {@code append} makes the NameNode recover the file
 *       (close it) and then succeeds. A taker refused by a live holder sees the modification time move
 *       within one heartbeat and gives up ({@link #take} returns null); one refused by a dead holder keeps
 *       trying for up to {@code takeoverTimeout}, which must exceed the NameNode's soft limit.
 *   <li><b>Validity</b>: the holder uses the lease (commits metadata, deletes) only until {@code 4 *
 *       heartbeat} after the start of its last successful heartbeat, measured on its monotonic clock;
 *       after that, or once it found the file taken over, every mutating call of the storage fails with
 *       an {@link IOException} naming the lease. {@code 4 * heartbeat} is kept under half the soft
 *       limit: a holder that cannot reach the NameNode stops writing before anyone can take over.
 *   <li><b>Release</b> ({@link #close()}): the stream is closed, which frees the file at once.
 * </ul>
 *
 * <p>No wall clocks are compared across machines: the modification time is only watched for change.
 * A holder stalled (a GC pause, a frozen VM) between its validity check and a call for longer than the
 * soft limit minus the validity can still write after a taker took over — the limit of every lease
 * without fencing tokens; the exclusive metadata commit (rename never replaces) still never lets both
 * commit the same checkpoint.
 */
final class HdfsLease implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HdfsLease.class);
  private static final String MAGIC = "cairn-lease-v1";
  /** How much of the file's end the heartbeat reads to find the last owner line. */
  private static final int TAIL_BYTES = 4096;

  private final FileSystem fs;
  private final Path path;
  private final String where;
  private final String owner;
  private final Duration heartbeat;
  private final FSDataOutputStream stream;
  private final ScheduledExecutorService heartbeats;
  private final Object lock = new Object();
  private long validUntilNanos;
  private String lostTo;
  private boolean closed;

  private HdfsLease(FileSystem fs, Path path, String where, String owner, Duration heartbeat, FSDataOutputStream stream,
      long takenAtNanos) {
    this.fs = fs;
    this.path = path;
    this.where = where;
    this.owner = owner;
    this.heartbeat = heartbeat;
    this.stream = stream;
    this.validUntilNanos = takenAtNanos + validityNanos();
    this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cairn-hdfs-lease-" + where);
      t.setDaemon(true);
      return t;
    });
    long interval = Math.max(1, heartbeat.toMillis());
    heartbeats.scheduleWithFixedDelay(this::beat, interval, interval, TimeUnit.MILLISECONDS);
  }

  private long validityNanos() {
    return 4 * heartbeat.toNanos();
  }

  private static String line(String owner) {
    return MAGIC + " owner=" + owner + "\n";
  }

  /** The exception's class, or the server-side class a {@link RemoteException} carries. */
  private static String kind(IOException e) {
    return e instanceof RemoteException remote ? remote.getClassName() : e.getClass().getName();
  }

  private static boolean isKind(IOException e, String simpleName) {
    return kind(e).endsWith("." + simpleName);
  }

  /** The NameNode refusing the file to us: another client has it open, or it is recovering it. */
  private static boolean isRefusal(IOException e) {
    return isKind(e, "AlreadyBeingCreatedException") || isKind(e, "RecoveryInProgressException");
  }

  /**
   * Takes the lease, waiting up to {@code takeoverTimeout} for a dead holder's NameNode lease to run out.
   *
   * @return the held lease, or null if another live coordinator holds it (it sent a heartbeat while we
   *     waited, or the NameNode still refused after {@code takeoverTimeout})
   */
  static HdfsLease take(FileSystem fs, Path path, String where, String owner, Duration heartbeat, Duration takeoverTimeout)
      throws IOException {
    long deadline = System.nanoTime() + takeoverTimeout.toNanos();
    long observedModified = Long.MIN_VALUE;
    boolean recovering = false;
    while (true) {
      long started = System.nanoTime();
      FSDataOutputStream stream = null;
      IOException refused = null;
      try {
        stream = fs.create(path, false);
      } catch (IOException e) {
        if (isRefusal(e)) {
          refused = e; // open for writing by a holder, or being recovered from a dead one
        } else if (!isKind(e, "FileAlreadyExistsException")) {
          throw new IOException("cannot create the lease file " + where + ": " + e.getMessage(), e);
        } else {
          try {
            stream = fs.append(path);
          } catch (FileNotFoundException gone) {
            continue; // never happens in Cairn (the file is never deleted), but then: create again
          } catch (IOException appendFailed) {
            if (!isRefusal(appendFailed)) {
              throw new IOException("cannot append to the lease file " + where + ": " + appendFailed.getMessage(), appendFailed);
            }
            refused = appendFailed;
          }
        }
      }
      if (refused != null) {
        if (isKind(refused, "RecoveryInProgressException")) {
          recovering = true; // the holder's lease ran out: the file closes once recovered (its time moves then)
          observedModified = Long.MIN_VALUE;
        } else if (recovering) {
          recovering = false; // recovered, and taken by another client meanwhile: watch that one
          observedModified = Long.MIN_VALUE;
        }
        if (!recovering) {
          long modified = modificationTime(fs, path);
          if (observedModified != Long.MIN_VALUE && modified != observedModified) {
            LOG.warn("Lease {} is held by {}, which sent a heartbeat while we waited", where, lastOwner(fs, path, where));
            return null;
          }
          if (observedModified == Long.MIN_VALUE) {
            observedModified = modified;
          }
        }
        if (System.nanoTime() > deadline) {
          LOG.warn("Lease {} is still held by {} after {}: the NameNode refuses it ({})", where,
              lastOwner(fs, path, where), takeoverTimeout, refused.getMessage().lines().findFirst().orElse(""));
          return null;
        }
        long wait = Math.max(10, Math.min(heartbeat.toMillis() / 2, 1_000));
        LOG.info("Lease {} is held by {}{}; trying again in {} ms", where, lastOwner(fs, path, where),
            recovering ? " (expired: the NameNode is recovering it)" : "", wait);
        sleep(wait, where);
        continue;
      }
      try {
        stream.write(line(owner).getBytes(StandardCharsets.UTF_8));
        stream.hflush();
      } catch (IOException e) {
        try {
          stream.close();
        } catch (IOException ignored) {
          // the NameNode's lease on it runs out by itself
        }
        throw new IOException("cannot write the lease file " + where + ": " + e.getMessage(), e);
      }
      LOG.info("Took the lease {} as {}", where, owner);
      return new HdfsLease(fs, path, where, owner, heartbeat, stream, started);
    }
  }

  private static void sleep(long millis, String where) throws InterruptedIOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the lease " + where);
    }
  }

  private static long modificationTime(FileSystem fs, Path path) throws IOException {
    try {
      return fs.getFileStatus(path).getModificationTime();
    } catch (FileNotFoundException e) {
      return 0;
    }
  }

  /** The owner named by the file's last line, for messages; "an unknown owner" if unreadable. */
  static String lastOwner(FileSystem fs, Path path, String where) {
    try {
      return ownerOf(readTail(fs, path), where);
    } catch (IOException | RuntimeException e) {
      return "an unknown owner (" + e.getMessage() + ")";
    }
  }

  private static String readTail(FileSystem fs, Path path) throws IOException {
    try (FSDataInputStream in = fs.open(path)) {
      long length = in instanceof HdfsDataInputStream hdfs ? hdfs.getVisibleLength() : fs.getFileStatus(path).getLen();
      long from = Math.max(0, length - TAIL_BYTES);
      byte[] tail = new byte[(int) (length - from)];
      in.readFully(from, tail);
      return new String(tail, StandardCharsets.UTF_8);
    }
  }

  private static String ownerOf(String tail, String where) throws IOException {
    String[] lines = tail.split("\n");
    String last = lines.length == 0 ? "" : lines[lines.length - 1];
    if (!last.startsWith(MAGIC + " owner=")) {
      throw new IOException("lease file " + where + " is not a Cairn lease (last line '"
          + last.substring(0, Math.min(80, last.length())) + "'); delete it only if no coordinator uses this location");
    }
    return last.substring(MAGIC.length() + " owner=".length());
  }

  private void beat() {
    synchronized (lock) {
      if (closed || lostTo != null) {
        return;
      }
    }
    long started = System.nanoTime();
    try {
      fs.setTimes(path, System.currentTimeMillis(), -1);
      boolean closedByNameNode = fs instanceof DistributedFileSystem dfs && dfs.isFileClosed(path);
      String holder = closedByNameNode ? null : ownerOf(readTail(fs, path), where);
      if (closedByNameNode || !owner.equals(holder)) {
        String taker = closedByNameNode ? "lease recovery (the NameNode closed the file: this client's lease expired)"
            : holder;
        synchronized (lock) {
          lostTo = taker;
        }
        LOG.error("Lost the lease {}: taken over by {}; this coordinator's storage refuses every further write", where, taker);
        return;
      }
      synchronized (lock) {
        validUntilNanos = started + validityNanos();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not renew the lease {} (retried in {} ms; valid for {} ms more): {}", where, heartbeat.toMillis(),
          Math.max(0, (validUntilNanos - System.nanoTime()) / 1_000_000), e.toString());
    }
  }

  /**
   * Checks that the lease may be used now, before a mutating call.
   *
   * @throws IOException if it was lost, released, or not renewed in time
   */
  void check(String forWhat) throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new IOException("lease " + where + " was released: refusing to " + forWhat);
      }
      if (lostTo != null) {
        throw new IOException("lease " + where + " was taken over by " + lostTo + ": refusing to " + forWhat);
      }
      long left = validUntilNanos - System.nanoTime();
      if (left <= 0) {
        throw new IOException("lease " + where + " was not renewed for " + (validityNanos() - left) / 1_000_000
            + " ms (NameNode unreachable?): refusing to " + forWhat + " until a heartbeat succeeds");
      }
    }
  }

  /** Returns this holder's id. */
  String owner() {
    return owner;
  }

  /** Stops the heartbeat and closes the file, so the next coordinator takes the lease at once. */
  @Override
  public void close() {
    boolean lost;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      lost = lostTo != null;
    }
    heartbeats.shutdown();
    try {
      heartbeats.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      stream.close();
    } catch (IOException | RuntimeException e) {
      if (!lost) {
        LOG.warn("Could not release the lease {}; the next coordinator waits for the NameNode to expire it", where, e);
      }
    }
  }
}
