package dev.cairn.checkpoint.storage;

import java.io.IOException;
import java.net.URI;

/**
 * Creates the {@link CheckpointStorage} of a URI scheme: the service that lets {@link
 * CheckpointStorage#forLocation(String)} find a storage module (such as {@code cairn-checkpoint-s3}
 * for {@code s3://bucket/prefix}) on the class or module path, so that this module depends on none
 * of them. Implementations are listed in {@code META-INF/services/dev.cairn.checkpoint.storage.CheckpointStorageFactory}
 * (or {@code provides} in a module declaration) and need a public no-argument constructor.
 */
public interface CheckpointStorageFactory {

  /** Returns the URI scheme this factory serves, in lower case ({@code "s3"}). */
  String scheme();

  /**
   * Returns a storage rooted at {@code location}, whose scheme is {@link #scheme()}. Nothing needs to
   * exist there yet; the caller owns the result and closes it.
   *
   * @throws IllegalArgumentException if the URI is malformed for this scheme (the message says why)
   * @throws IOException if the storage cannot be set up
   */
  CheckpointStorage create(URI location) throws IOException;
}
