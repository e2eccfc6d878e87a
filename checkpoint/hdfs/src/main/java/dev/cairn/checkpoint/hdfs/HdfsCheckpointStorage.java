package dev.cairn.checkpoint.hdfs;

import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import dev.cairn.checkpoint.storage.LocationOptions;
import dev.cairn.checkpoint.storage.StorageRetry;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.ipc.RemoteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CheckpointStorage} in HDFS, rooted at {@code hdfs://namenode:port/path} (or {@code
 * hdfs://nameservice/path} with an HA configuration). Names map to paths under the root; prefixes are
 * directories.
 *
 * <ul>
 *   <li><b>Objects</b> are written to {@code .tmp-<uuid>-<name>} beside their target, {@code hsync}ed
 *       (the DataNodes force the bytes to disk), closed, and published by a rename that never replaces
 *       ({@code Options.Rename.NONE}: it fails if the target exists). Until then nothing is visible under
 *       the name; a temporary file a crash left behind is removed by the next coordinator's cleanup.
 *   <li><b>The metadata commit</b> is the same: write a temporary file, hsync, rename. The NameNode
 *       renames atomically, so the metadata appears whole or not at all, and of two writers exactly one
 *       succeeds (the other gets {@link FileAlreadyExistsException}). A retry after a lost answer that
 *       finds the target compares its bytes, so the commit is reported exactly as it happened.
 *   <li><b>The lease</b> ({@link #lease()}) is the NameNode's write lease on {@code _lock}, held by
 *       keeping the file open (see {@code HdfsLease}); while it is held, every mutating call through
 *       this storage and its children first checks it is still valid.
 *   <li><b>Durability</b>: {@link #sync()} does nothing: files are hsynced before they are renamed, and
 *       the NameNode logs every namespace change durably before it answers.
 *   <li><b>Retries</b>: transient failures are retried with bounded, jittered exponential backoff and
 *       logged ({@code HdfsRetry}), above the Hadoop client's own IPC retries. Every exception names
 *       the path.
 * </ul>
 *
 * <p>Build one with {@link #builder(URI)} (a Hadoop {@link Configuration} may be given there), or from
 * a URI with {@link #at(URI)}, or let {@link CheckpointStorage#forLocation(String)} do it for {@code
 * hdfs://} locations. Each storage opens its own {@link FileSystem} instance (its own client and
 * NameNode lease) and closes it when closed.
 */
public final class HdfsCheckpointStorage implements CheckpointStorage {

  private static final Logger LOG = LoggerFactory.getLogger(HdfsCheckpointStorage.class);

  /** The lease file's name under the root (the layout's {@code _lock}). */
  public static final String LEASE_FILE = "_lock";

  /**
   * The Hadoop client's first wait before asking the NameNode again to complete (close) a file whose last
   * block the DataNode has not reported yet: 400 ms by default, which a small checkpoint file nearly
   * always meets once. Unless either key is configured, Cairn waits {@value #DEFAULT_CLOSE_DELAY_MILLIS} ms
   * first, doubling as before, with {@value #DEFAULT_CLOSE_RETRIES} retries instead of 5, so that the
   * total patience (12.8 s) stays that of Hadoop's default (12.4 s).
   */
  static final String CLOSE_DELAY_KEY = "dfs.client.block.write.locateFollowingBlock.initial.delay.ms";

  static final String CLOSE_RETRIES_KEY = "dfs.client.block.write.locateFollowingBlock.retries";

  static final int DEFAULT_CLOSE_DELAY_MILLIS = 25;

  static final int DEFAULT_CLOSE_RETRIES = 9;

  /** What the root storage and its children share. */
  private static final class Shared {
    final FileSystem fs;
    final Path root;
    final StorageRetry retry;
    final Duration leaseHeartbeat;
    final Duration takeoverTimeout;
    final AtomicReference<HdfsLease> lease = new AtomicReference<>();

    Shared(FileSystem fs, Path root, StorageRetry retry, Duration leaseHeartbeat, Duration takeoverTimeout) {
      this.fs = fs;
      this.root = root;
      this.retry = retry;
      this.leaseHeartbeat = leaseHeartbeat;
      this.takeoverTimeout = takeoverTimeout;
    }
  }

  private final Shared shared;
  /** The relative prefix of this storage: "" or ending in "/". */
  private final String base;
  private final boolean root;

  private HdfsCheckpointStorage(Shared shared, String base, boolean root) {
    this.shared = shared;
    this.base = base;
    this.root = root;
  }

  /**
   * Starts configuring a storage at {@code location}, an {@code hdfs://} URI without options (its
   * path is the root directory).
   */
  public static Builder builder(URI location) {
    return new Builder(location);
  }

  /**
   * Returns the storage of {@code hdfs://namenode:port/path[?option=value&...]}, with a Hadoop
   * {@link Configuration} loaded as usual (the {@code core-site.xml} and {@code hdfs-site.xml} on the
   * class path). Options: {@code leaseHeartbeat} and {@code takeoverTimeout} (ISO-8601 durations such as
   * {@code PT5S}), {@code maxAttempts}; any option whose name contains a dot is a Hadoop configuration
   * key ({@code dfs.replication=2}, {@code ipc.client.connect.max.retries=3}).
   *
   * @throws IllegalArgumentException naming what is wrong with the URI
   * @throws IOException if the file system client cannot be created
   */
  public static HdfsCheckpointStorage at(URI location) throws IOException {
    if (!"hdfs".equalsIgnoreCase(location.getScheme())) {
      throw new IllegalArgumentException("not an hdfs:// location: " + location);
    }
    URI plain;
    try {
      plain = new URI(location.getScheme(), location.getAuthority(), location.getPath(), null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid hdfs:// location " + location + ": " + e.getMessage(), e);
    }
    Builder builder = builder(plain);
    Map<String, Consumer<String>> options = new LinkedHashMap<>();
    options.put("leaseHeartbeat", value -> builder.leaseHeartbeat(Duration.parse(value)));
    options.put("takeoverTimeout", value -> builder.takeoverTimeout(Duration.parse(value)));
    options.put("maxAttempts", value -> builder.maxAttempts(Integer.parseInt(value)));
    LocationOptions.apply(location, options, (name, value) -> {
      if (!name.contains(".")) {
        return false;
      }
      builder.set(name, value); // a Hadoop key
      return true;
    }, "Hadoop keys such as dfs.replication");
    return builder.build();
  }

  /** Returns the file system client this storage uses. */
  public FileSystem fileSystem() {
    return shared.fs;
  }

  /** Returns the directory of this storage. */
  public Path directory() {
    return base.isEmpty() ? shared.root : new Path(shared.root, base.substring(0, base.length() - 1));
  }

  private Path path(String name) {
    if (!LocalCheckpointStorage.isValidName(name)) {
      throw new IllegalArgumentException("invalid object name '" + name + "' under " + describe(""));
    }
    return new Path(shared.root, base + name);
  }

  private Path directoryOf(String prefix) {
    String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    return p.isEmpty() ? directory() : path(p);
  }

  private static String where(Path path) {
    return path.toString();
  }

  private void checkLease(String forWhat) throws IOException {
    HdfsLease lease = shared.lease.get();
    if (lease != null) {
      lease.check(forWhat);
    }
  }

  private static boolean isKind(IOException e, String simpleName) {
    String kind = e instanceof RemoteException remote ? remote.getClassName() : e.getClass().getName();
    return kind.endsWith("." + simpleName);
  }

  private static IOException failure(String operation, Path path, IOException e) {
    if (e.getMessage() != null && e.getMessage().contains(path.toString())) {
      return e instanceof RemoteException remote ? new IOException(operation + " failed: " + remote.getMessage(), e) : e;
    }
    return new IOException(operation + " " + path + " failed: " + e.getMessage(), e);
  }

  /** The status of {@code path}, or null if nothing is there. */
  private FileStatus status(Path path) throws IOException {
    try {
      return shared.retry.call("getFileStatus", where(path), a -> {
        try {
          return shared.fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
          return null;
        }
      });
    } catch (IOException e) {
      throw failure("getFileStatus", path, e);
    }
  }

  /** Creates a new temporary file beside {@code target}, retrying with a new name on transient failures. */
  private TempFile createTemp(Path target) throws IOException {
    return shared.retry.call("create", where(target), a -> newTemp(target));
  }

  /** Creates a new temporary file beside {@code target}: one attempt. */
  private TempFile newTemp(Path target) throws IOException {
    Path temp = new Path(target.getParent(), LocalCheckpointStorage.TEMP_PREFIX + UUID.randomUUID() + "-" + target.getName());
    return new TempFile(temp, shared.fs.create(temp, false));
  }

  private record TempFile(Path path, FSDataOutputStream out) {}

  /**
   * Renames {@code temp} to {@code target} unless the target exists; then deletes the temporary file and
   * throws {@link FileAlreadyExistsException}. A retried rename whose first attempt went through (the
   * temporary file is gone, the target is there) counts as done if {@code expected} is null or the
   * target holds exactly {@code expected}.
   */
  private void publish(Path temp, Path target, byte[] expected) throws IOException {
    boolean renamed;
    try {
      renamed = shared.retry.call("rename to", where(target), attempt -> {
        try {
          rename(temp, target);
          return true;
        } catch (IOException e) {
          if (attempt > 1 && (e instanceof FileNotFoundException || isKind(e, "FileNotFoundException")
              || isKind(e, "FileAlreadyExistsException"))
              && shared.fs.exists(target) && !shared.fs.exists(temp)) {
            return expected == null || Arrays.equals(readAll(target), expected); // an earlier attempt renamed it
          }
          if (isKind(e, "FileAlreadyExistsException")) {
            return false;
          }
          throw e;
        }
      });
    } catch (IOException e) {
      deleteQuietly(temp);
      throw failure("rename " + temp + " to", target, e);
    }
    if (!renamed) {
      deleteQuietly(temp);
      throw new FileAlreadyExistsException(where(target), null, "exists: another writer committed it first");
    }
  }

  @SuppressWarnings("deprecation")
  private void rename(Path from, Path to) throws IOException {
    if (shared.fs instanceof DistributedFileSystem dfs) {
      dfs.rename(from, to, Options.Rename.NONE); // atomic; fails if "to" exists, never moves into a directory
      return;
    }
    // another Hadoop file system behind hdfs:// (a test double of the scheme, say): rename returns false
    if (shared.fs.exists(to) || !shared.fs.rename(from, to)) {
      throw new org.apache.hadoop.fs.FileAlreadyExistsException(to + " exists");
    }
  }

  private byte[] readAll(Path path) throws IOException {
    try (InputStream in = shared.fs.open(path)) {
      return in.readAllBytes();
    }
  }

  private void deleteQuietly(Path temp) {
    try {
      shared.fs.delete(temp, false);
    } catch (IOException | RuntimeException e) {
      LOG.debug("Could not delete {}; the next coordinator's cleanup removes it", temp, e);
    }
  }

  @Override
  public Output create(String name) throws IOException {
    Path target = path(name);
    if (status(target) != null) {
      throw new FileAlreadyExistsException(where(target));
    }
    try {
      return new HdfsOutput(createTemp(target), target);
    } catch (IOException e) {
      throw failure("create", target, e);
    }
  }

  /** Writes a temporary file; {@link #commit()} hsyncs, closes and renames it to its target. */
  private final class HdfsOutput extends Output {
    private final TempFile temp;
    private final Path target;
    private boolean done;

    HdfsOutput(TempFile temp, Path target) {
      this.temp = temp;
      this.target = target;
    }

    private void checkOpen() {
      if (done) {
        throw new IllegalStateException(target + " is already committed or aborted");
      }
    }

    @Override
    public void write(int b) throws IOException {
      checkOpen();
      try {
        temp.out().write(b);
      } catch (IOException e) {
        throw failure("writing", target, e);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      checkOpen();
      try {
        temp.out().write(b, off, len);
      } catch (IOException e) {
        throw failure("writing", target, e);
      }
    }

    @Override
    public void commit() throws IOException {
      checkOpen();
      done = true;
      try {
        temp.out().hsync();
        temp.out().close();
      } catch (IOException e) {
        closeQuietly(temp.out());
        deleteQuietly(temp.path());
        throw failure("hsync of", target, e);
      }
      publish(temp.path(), target, null);
    }

    @Override
    public void abort() {
      if (done) {
        return;
      }
      done = true;
      closeQuietly(temp.out());
      deleteQuietly(temp.path());
    }

    @Override
    public void close() throws IOException {
      if (!done) {
        commit();
      }
    }
  }

  private static void closeQuietly(FSDataOutputStream out) {
    try {
      out.close();
    } catch (IOException | RuntimeException e) {
      // the file is deleted next, or removed by the next cleanup
    }
  }

  @Override
  public void commitMetadata(String name, byte[] bytes) throws IOException {
    Path target = path(name);
    checkLease("commit " + where(target));
    if (status(target) != null) {
      throw new FileAlreadyExistsException(where(target), null, "exists: another writer committed it first");
    }
    TempFile temp;
    try {
      temp = shared.retry.call("write", where(target), a -> {
        TempFile t = newTemp(target);
        try {
          t.out().write(bytes);
          t.out().hsync();
          t.out().close();
          return t;
        } catch (IOException e) {
          closeQuietly(t.out());
          deleteQuietly(t.path());
          throw e;
        }
      });
    } catch (IOException e) {
      throw failure("write of the metadata", target, e);
    }
    publish(temp.path(), target, bytes);
  }

  @Override
  public InputStream open(String name) throws IOException {
    Path path = path(name);
    InputStream in;
    try {
      in = shared.retry.call("open", where(path), a -> shared.fs.open(path));
    } catch (FileNotFoundException e) {
      throw new NoSuchFileException(where(path));
    } catch (IOException e) {
      if (isKind(e, "FileNotFoundException")) {
        throw new NoSuchFileException(where(path));
      }
      throw failure("open", path, e);
    }
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        try {
          return super.read();
        } catch (IOException e) {
          throw new IOException("reading " + path + " failed: " + e.getMessage(), e);
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (IOException e) {
          throw new IOException("reading " + path + " failed: " + e.getMessage(), e);
        }
      }
    };
  }

  @Override
  public long size(String name) throws IOException {
    Path path = path(name);
    FileStatus status = status(path);
    if (status == null || !status.isFile()) {
      throw new NoSuchFileException(where(path));
    }
    return status.getLen();
  }

  @Override
  public boolean exists(String name) throws IOException {
    FileStatus status = status(path(name));
    return status != null && status.isFile();
  }

  @Override
  public Listing list(String prefix) throws IOException {
    Path directory = directoryOf(prefix);
    FileStatus[] entries;
    try {
      entries = shared.retry.call("list", where(directory), a -> {
        try {
          return shared.fs.listStatus(directory);
        } catch (FileNotFoundException e) {
          return new FileStatus[0];
        }
      });
    } catch (IOException e) {
      throw failure("list", directory, e);
    }
    List<String> files = new ArrayList<>();
    List<String> directories = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (FileStatus entry : entries) {
      String fileName = entry.getPath().getName();
      if (entry.isSymlink() || !LocalCheckpointStorage.isValidName(fileName)) {
        others.add(fileName);
      } else if (entry.isDirectory()) {
        directories.add(fileName);
      } else {
        files.add(fileName);
      }
    }
    return new Listing(files, directories, others);
  }

  @Override
  public void delete(String name) throws IOException {
    Path path = path(name);
    checkLease("delete " + where(path));
    FileStatus status = status(path);
    if (status == null) {
      return;
    }
    if (!status.isFile()) {
      throw new IOException("refusing to delete " + path + ": not a file");
    }
    try {
      shared.retry.call("delete", where(path), a -> shared.fs.delete(path, false));
    } catch (IOException e) {
      throw failure("delete", path, e);
    }
  }

  /** Nothing to do: files are hsynced before they are published, and the NameNode logs every change durably. */
  @Override
  public void sync() {}

  @Override
  public boolean deletePrefix(String prefix) throws IOException {
    Path directory = directoryOf(prefix);
    checkLease("delete " + where(directory));
    FileStatus status = status(directory);
    if (status == null) {
      return true;
    }
    if (!status.isDirectory()) {
      return false;
    }
    Listing listing = list(prefix);
    if (!listing.files().isEmpty() || !listing.directories().isEmpty() || !listing.others().isEmpty()) {
      return false;
    }
    try {
      // not recursive: fails (and nothing is deleted) if a file appeared meanwhile
      shared.retry.call("delete", where(directory), a -> shared.fs.delete(directory, false));
      return true;
    } catch (IOException e) {
      if (isKind(e, "PathIsNotEmptyDirectoryException")) {
        return false;
      }
      throw failure("delete", directory, e);
    }
  }

  /**
   * Takes the lease of this location ({@code _lock} under it) for one coordinator, waiting up to the
   * takeover timeout for a dead holder's NameNode lease to run out. Closing the result releases it.
   *
   * @return null if another live coordinator holds it
   */
  @Override
  public AutoCloseable lease() throws IOException {
    Path path = new Path(directory(), LEASE_FILE);
    String owner = UUID.randomUUID() + "@" + hostName() + "/pid-" + ProcessHandle.current().pid();
    HdfsLease lease = HdfsLease.take(shared.fs, path, where(path), owner, shared.leaseHeartbeat, shared.takeoverTimeout);
    if (lease == null) {
      return null;
    }
    if (!shared.lease.compareAndSet(null, lease)) {
      lease.close();
      throw new IllegalStateException("the lease of " + path + " is already held through this storage");
    }
    return () -> {
      shared.lease.compareAndSet(lease, null);
      lease.close();
    };
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      return "unknown-host";
    }
  }

  @Override
  public HdfsCheckpointStorage child(String prefix) {
    if (!LocalCheckpointStorage.isValidName(prefix)) {
      throw new IllegalArgumentException("invalid prefix '" + prefix + "' under " + describe(""));
    }
    return new HdfsCheckpointStorage(shared, base + prefix + "/", false);
  }

  @Override
  public String describe(String name) {
    return name.isEmpty() ? where(directory()) : where(new Path(shared.root, base + name));
  }

  /** Releases the lease if one is still held and closes the file system client; children: nothing. */
  @Override
  public void close() {
    if (!root) {
      return;
    }
    HdfsLease lease = shared.lease.getAndSet(null);
    if (lease != null) {
      lease.close();
    }
    try {
      shared.fs.close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not close the HDFS client of {}", describe(""), e);
    }
  }

  @Override
  public String toString() {
    return "HdfsCheckpointStorage(" + describe("") + ")";
  }

  /** Configures an {@link HdfsCheckpointStorage}. */
  public static final class Builder {
    private final URI location;
    private final String rootPath;
    private Configuration configuration;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Duration leaseHeartbeat = Duration.ofSeconds(5);
    private Duration takeoverTimeout = Duration.ofSeconds(90);
    private int maxAttempts = 6;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);

    private Builder(URI location) {
      Objects.requireNonNull(location, "location");
      if (!"hdfs".equalsIgnoreCase(location.getScheme())) {
        throw new IllegalArgumentException("not an hdfs:// location: " + location);
      }
      if (location.getAuthority() == null || location.getAuthority().isEmpty()) {
        throw new IllegalArgumentException("no NameNode in " + location
            + ": expected hdfs://namenode:port/path or hdfs://nameservice/path");
      }
      if (location.getQuery() != null) {
        throw new IllegalArgumentException("options in " + location + ": use HdfsCheckpointStorage.at(URI) or the builder's setters");
      }
      String p = location.getPath() == null ? "" : location.getPath();
      while (p.startsWith("/")) {
        p = p.substring(1);
      }
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      if (!p.isEmpty() && !LocalCheckpointStorage.isValidName(p)) {
        throw new IllegalArgumentException("invalid path '" + location.getPath() + "' in " + location
            + ": segments of [A-Za-z0-9._-] joined by '/'");
      }
      this.location = location;
      this.rootPath = "/" + p;
    }

    /**
     * The Hadoop configuration to start from (copied; default: a new {@link Configuration}, which
     * loads {@code core-site.xml} and {@code hdfs-site.xml} from the class path).
     */
    public Builder configuration(Configuration configuration) {
      this.configuration = new Configuration(Objects.requireNonNull(configuration, "configuration"));
      return this;
    }

    /** Sets one Hadoop configuration key on top of the configuration ({@code dfs.replication}, say). */
    public Builder set(String key, String value) {
      settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * How often the lease holder shows it lives and checks it still holds the lease; the lease is
     * usable for 4 heartbeats after the last successful one, which must stay under half of the
     * NameNode's 60 s soft limit, so at most 7 s. Default 5 s.
     */
    public Builder leaseHeartbeat(Duration heartbeat) {
      if (heartbeat.toMillis() < 10 || heartbeat.compareTo(Duration.ofSeconds(7)) > 0) {
        throw new IllegalArgumentException("lease heartbeat must be between 10 ms and 7 s (4 heartbeats under half the"
            + " NameNode's 60 s soft limit), not " + heartbeat);
      }
      this.leaseHeartbeat = heartbeat;
      return this;
    }

    /**
     * How long taking the lease waits for the NameNode to release a holder that sends no heartbeat
     * (a dead one: the NameNode's soft limit is 60 s); after that the lease counts as held by a live
     * coordinator. Default 90 s.
     */
    public Builder takeoverTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("takeover timeout must not be negative: " + timeout);
      }
      this.takeoverTimeout = timeout;
      return this;
    }

    /** Attempts per call, at least 1 (no retry). Default 6. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("max attempts must be at least 1, not " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** The backoff before the first retry, doubled per retry up to {@code max}. Default 100 ms to 5 s. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = Objects.requireNonNull(initial, "initial");
      this.maxBackoff = Objects.requireNonNull(max, "max");
      return this;
    }

    /** Whether a key was set by the user (a site file, the given configuration, an option), not a Hadoop default. */
    private static boolean isSet(Configuration conf, String key) {
      String[] sources = conf.getPropertySources(key);
      if (sources == null) {
        return false;
      }
      for (String source : sources) {
        if (!source.endsWith("-default.xml")) {
          return true;
        }
      }
      return false;
    }

    /**
     * Builds the storage and its own file system client ({@link FileSystem#newInstance}: not the
     * JVM-wide cached one, so that closing the storage closes nothing else and each storage holds its
     * own NameNode lease).
     *
     * @throws IOException if the client cannot be created
     */
    public HdfsCheckpointStorage build() throws IOException {
      StorageRetry retry = HdfsRetry.policy(maxAttempts, initialBackoff, maxBackoff);
      Configuration conf = configuration != null ? new Configuration(configuration) : new Configuration();
      settings.forEach(conf::set);
      if (!isSet(conf, CLOSE_DELAY_KEY) && !isSet(conf, CLOSE_RETRIES_KEY)) {
        conf.setInt(CLOSE_DELAY_KEY, DEFAULT_CLOSE_DELAY_MILLIS);
        conf.setInt(CLOSE_RETRIES_KEY, DEFAULT_CLOSE_RETRIES);
      }
      URI fsUri = URI.create(location.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + location.getAuthority() + "/");
      FileSystem fs;
      try {
        fs = FileSystem.newInstance(fsUri, conf);
      } catch (IOException | RuntimeException e) {
        throw new IOException("cannot create the HDFS client of " + location + ": " + e.getMessage(), e);
      }
      Path root = new Path(fsUri.resolve(rootPath));
      return new HdfsCheckpointStorage(new Shared(fs, root, retry, leaseHeartbeat, takeoverTimeout), "", true);
    }
  }
}
