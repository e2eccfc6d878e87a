package dev.cairn.checkpoint.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * Where checkpoint bytes live: the storage SPI, shaped around <em>committing</em> a checkpoint rather
 * than around renaming files, so that a local directory, an object store and HDFS can all implement
 * it without any change to the coordinator. A storage is rooted at one location (a job directory, a
 * checkpoint directory, a savepoint directory); names are relative to it: segments of {@code
 * [A-Za-z0-9._-]} (the first character of each a letter, digit or {@code _}, after an optional {@code
 * .tmp-} prefix of temporary objects) joined by {@code /}, never absolute, never {@code ..}.
 *
 * <table>
 *   <caption>How each implementation maps the operations</caption>
 *   <tr><th>operation</th><th>local directory (default)</th><th>object store (S3)</th><th>HDFS</th></tr>
 *   <tr><td>{@link #create}, then {@link Output#commit()}</td><td>temporary name, fsync, rename;
 *       the directory (and every directory it had to create) fsynced by the next {@link #sync()}</td><td>one PUT (a multipart upload when large)
 *       with {@code If-None-Match: *}, visible on completion</td><td>write, hsync, rename</td></tr>
 *   <tr><td>{@link #commitMetadata}</td><td>{@link #sync()}, then create +
 *       commit + {@link #sync()}: the link that publishes it is atomic and never replaces</td>
 *       <td>a conditional put ({@code If-None-Match: *}): never partially visible, never
 *       overwrites</td><td>write a temporary file, hsync, rename (atomic in HDFS)</td></tr>
 *   <tr><td>{@link #open}</td><td>read, never through a symbolic link</td><td>GET</td><td>open</td></tr>
 *   <tr><td>{@link #list}</td><td>directory listing; symbolic links reported apart</td><td>LIST with
 *       a delimiter</td><td>listStatus</td></tr>
 *   <tr><td>{@link #delete}</td><td>unlink; the directory fsynced by the next {@link
 *       #sync()}</td><td>DELETE</td><td>delete</td></tr>
 *   <tr><td>{@link #sync()}</td><td>fsync of every directory whose entries changed</td><td>nothing
 *       (every call is durable when it returns)</td><td>nothing</td></tr>
 *   <tr><td>{@link #lease()}</td><td>an OS file lock on {@code _lock}</td><td>a lease object {@code _lock}
 *       (owner, expiry) taken and renewed with conditional writes</td><td>HDFS lease on {@code _lock}</td></tr>
 * </table>
 *
 * <p>Readers verify what they read: checksums live in the files' framing (written and checked by the coordinator),
 * so every storage gets the same verification. Implementations must be thread-safe.
 *
 * <p>{@link #forLocation(String)} picks the storage of a location: a plain path is a local directory, a
 * URI is served by the {@link CheckpointStorageFactory} of its scheme ({@code s3://bucket/prefix} by the
 * {@code cairn-checkpoint-s3} module, {@code hdfs://namenode:port/path} by {@code cairn-checkpoint-hdfs},
 * found through {@link ServiceLoader}).
 */
public interface CheckpointStorage extends AutoCloseable {

  /** A URI with a scheme of two or more characters (so that {@code C:\dir} stays a path). */
  Pattern URI_LOCATION = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:.*");

  /**
   * Returns the storage of {@code location}: a plain path (or a {@code file:} URI) is a local directory
   * ({@link LocalCheckpointStorage}); any other URI, such as {@code s3://bucket/prefix}, is served by the
   * {@link CheckpointStorageFactory} registered for its scheme. The caller owns the result and closes it.
   *
   * @throws IllegalArgumentException if the location is empty, not a valid URI, or its scheme has no
   *     factory on the class or module path (the message names the module to add)
   * @throws IOException if the storage cannot be set up
   */
  static CheckpointStorage forLocation(String location) throws IOException {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("checkpoint location must not be empty");
    }
    if (!URI_LOCATION.matcher(location).matches()) {
      return LocalCheckpointStorage.at(FileLayer.local(), Path.of(location));
    }
    URI uri;
    try {
      uri = new URI(location);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("checkpoint location '" + location + "' is not a valid URI: " + e.getMessage(), e);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("file")) {
      return LocalCheckpointStorage.at(FileLayer.local(), Path.of(uri));
    }
    for (CheckpointStorageFactory factory : ServiceLoader.load(CheckpointStorageFactory.class)) {
      if (factory.scheme().equalsIgnoreCase(scheme)) {
        return factory.create(uri);
      }
    }
    throw new IllegalArgumentException("no checkpoint storage for scheme '" + scheme + "' in '" + location
        + "': add its module to the class path" + (scheme.equals("s3") ? " (dev.cairn:cairn-checkpoint-s3)"
            : scheme.equals("hdfs") ? " (dev.cairn:cairn-checkpoint-hdfs)" : ""));
  }

  /** An object being written: invisible under its name until {@link #commit()} returns. */
  abstract class Output extends OutputStream {

    /**
     * Makes the object's bytes durable and the object visible under its name; the name itself is
     * durable at the latest when the next {@link #sync()} or {@link #commitMetadata} returns.
     *
     * @throws IOException if that fails; the object then does not exist
     */
    public abstract void commit() throws IOException;

    /** Abandons the object: nothing becomes visible and what was written is removed. Idempotent. */
    public abstract void abort();
  }

  /**
   * The entries directly under a prefix.
   *
   * @param files the names (last segment only) of the objects
   * @param directories the names of the sub-prefixes
   * @param others entries that are neither (symbolic links, devices): never read, never deleted
   */
  record Listing(List<String> files, List<String> directories, List<String> others) {
    public Listing {
      files = List.copyOf(files);
      directories = List.copyOf(directories);
      others = List.copyOf(others);
    }
  }

  /**
   * Starts writing the object {@code name}.
   *
   * @throws java.nio.file.FileAlreadyExistsException if it exists
   * @throws IOException if it cannot be created
   */
  Output create(String name) throws IOException;

  /**
   * Publishes a checkpoint's metadata, the commit point of a checkpoint: first makes every earlier
   * commit and deletion durable (as {@link #sync()}), so that whatever the metadata lists survives a
   * power loss; after it returns, {@code name} holds exactly {@code bytes}, durably; no reader ever
   * sees part of it; an existing object is never replaced.
   *
   * @throws java.nio.file.FileAlreadyExistsException if it exists
   * @throws IOException if it fails; then the checkpoint does not exist
   */
  void commitMetadata(String name, byte[] bytes) throws IOException;

  /**
   * Opens an object for reading.
   *
   * @throws java.nio.file.NoSuchFileException if it does not exist
   */
  InputStream open(String name) throws IOException;

  /**
   * Returns an object's size in bytes.
   *
   * @throws java.nio.file.NoSuchFileException if it does not exist
   */
  long size(String name) throws IOException;

  /** Returns whether the object {@code name} exists. */
  boolean exists(String name) throws IOException;

  /** Lists what is directly under {@code prefix} ("" for the root); empty if nothing is. */
  Listing list(String prefix) throws IOException;

  /**
   * Deletes the object {@code name}; no-op if it does not exist. The deletion is durable at the
   * latest when the next {@link #sync()} or {@link #commitMetadata} returns: a power loss before
   * that may bring the object back.
   */
  void delete(String name) throws IOException;

  /**
   * Makes every commit and deletion made so far through this storage, its parent and its children
   * durable. Retention calls it after deleting an expired checkpoint's metadata and before deleting
   * its files, so a power loss never leaves metadata whose files are gone.
   *
   * @throws IOException if that fails; what was not made durable is tried again by the next call
   */
  void sync() throws IOException;

  /**
   * Removes the prefix {@code prefix} if nothing is left under it (local: the empty directory).
   *
   * @return false if something is still there (it is left as it is)
   */
  boolean deletePrefix(String prefix) throws IOException;

  /**
   * Takes the exclusive lease of this location for one live coordinator.
   *
   * @return the lease, closing it releases it; null if another live coordinator holds it
   * @throws java.nio.channels.OverlappingFileLockException if one in this JVM holds it (local storage)
   * @throws IOException if it cannot be taken (a location that is not writable, say)
   */
  AutoCloseable lease() throws IOException;

  /** Returns a storage rooted at {@code prefix} under this one (which need not exist yet). */
  CheckpointStorage child(String prefix);

  /** Describes where {@code name} is, for messages: an absolute path or a URI. */
  String describe(String name);

  /**
   * Releases what the storage holds (clients, connections, threads); the storages of {@link #child}
   * share them and are not closed themselves. Nothing by default (the local storage holds nothing).
   */
  @Override
  default void close() {}
}
