package dev.cairn.checkpoint.s3;

import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import dev.cairn.checkpoint.storage.LocationOptions;
import dev.cairn.checkpoint.storage.StorageRetry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link CheckpointStorage} in an S3 bucket (or any server speaking S3's REST API with conditional
 * writes), rooted at {@code s3://bucket/prefix}. Names map to keys {@code prefix/name}; "directories"
 * are key prefixes.
 *
 * <ul>
 *   <li><b>Objects</b> are buffered in memory and written with one PUT when they fit in a part
 *       ({@link Builder#partSize}, 8 MiB), as a multipart upload otherwise: invisible until the PUT or
 *       the completion returns, which carries {@code If-None-Match: *} (an existing object is never
 *       replaced) and the CRC32C of the bytes, which S3 checks before storing them. {@link Output#abort()}
 *       aborts the upload; uploads a crash left behind are aborted when the next coordinator takes the
 *       lease.
 *   <li><b>The metadata commit</b> is one PUT with {@code If-None-Match: *}: the object appears whole or
 *       not at all, and of two writers exactly one succeeds (the other gets {@link
 *       FileAlreadyExistsException}). A retry after a lost response that finds the object compares its
 *       bytes, so the commit is reported exactly as it happened.
 *   <li><b>The lease</b> ({@link #lease()}) is the object {@code _lock}, taken and renewed with
 *       conditional writes (see {@code S3Lease}); while a lease is held, every mutating call through this
 *       storage and its children first checks it is still valid.
 *   <li><b>Reads</b> are GET and HEAD; {@link #sync()} does nothing: every call is durable when it
 *       returns, and S3 reads, lists and HEADs are strongly consistent after a write or delete returns.
 *   <li><b>Retries</b>: transient failures are retried with bounded, jittered exponential backoff and
 *       logged; the SDK's own retries are off. Every exception names the bucket and key.
 * </ul>
 *
 * <p>Build one with {@link #builder(String, String)} or from a URI with {@link #at(URI)}, or let {@link
 * CheckpointStorage#forLocation(String)} do it for {@code s3://} locations. Close it to release its
 * client (if it built the client) — a coordinator built from a location does that itself.
 */
public final class S3CheckpointStorage implements CheckpointStorage {

  private static final Logger LOG = LoggerFactory.getLogger(S3CheckpointStorage.class);

  /** The lease object's name under the root. */
  public static final String LEASE_OBJECT = "_lock";

  /** What the root storage and its children share. */
  private static final class Shared {
    final S3Client client;
    final boolean ownsClient;
    final String bucket;
    final StorageRetry retry;
    final int partSize;
    final Duration leaseDuration;
    final Duration maxClockSkew;
    final AtomicReference<S3Lease> lease = new AtomicReference<>();

    Shared(S3Client client, boolean ownsClient, String bucket, StorageRetry retry, int partSize, Duration leaseDuration,
        Duration maxClockSkew) {
      this.client = client;
      this.ownsClient = ownsClient;
      this.bucket = bucket;
      this.retry = retry;
      this.partSize = partSize;
      this.leaseDuration = leaseDuration;
      this.maxClockSkew = maxClockSkew;
    }
  }

  private final Shared shared;
  /** The key prefix of this storage: "" or ending in "/". */
  private final String base;
  private final boolean root;

  private S3CheckpointStorage(Shared shared, String base, boolean root) {
    this.shared = shared;
    this.base = base;
    this.root = root;
  }

  /**
   * Starts configuring a storage at {@code s3://bucket/prefix}.
   *
   * @param prefix the key prefix ("" for the bucket's root); leading and trailing slashes are ignored
   */
  public static Builder builder(String bucket, String prefix) {
    return new Builder(bucket, prefix);
  }

  /**
   * Returns the storage of {@code s3://bucket/prefix[?option=value&...]}, with the SDK's default
   * credentials and region (environment, system properties, profile) unless the URI says otherwise.
   * Options: {@code endpoint} (an S3-compatible server, {@code http://host:port}), {@code region},
   * {@code pathStyle} ({@code true} for path-style addressing, needed by most non-AWS servers), {@code
   * leaseDuration} and {@code maxClockSkew} (ISO-8601 durations such as {@code PT30S}), {@code
   * maxAttempts}, {@code partSize} (bytes).
   *
   * @throws IllegalArgumentException naming what is wrong with the URI
   */
  public static S3CheckpointStorage at(URI location) {
    if (!"s3".equalsIgnoreCase(location.getScheme())) {
      throw new IllegalArgumentException("not an s3:// location: " + location);
    }
    String bucket = location.getHost() != null ? location.getHost() : location.getAuthority();
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException("no bucket in " + location + ": expected s3://bucket/prefix");
    }
    Builder builder = builder(bucket, location.getPath() == null ? "" : location.getPath());
    Map<String, Consumer<String>> options = new LinkedHashMap<>();
    options.put("endpoint", value -> builder.endpoint(URI.create(value)));
    options.put("region", builder::region);
    options.put("pathStyle", value -> builder.pathStyle(Boolean.parseBoolean(value)));
    options.put("leaseDuration", value -> builder.leaseDuration(Duration.parse(value)));
    options.put("maxClockSkew", value -> builder.maxClockSkew(Duration.parse(value)));
    options.put("maxAttempts", value -> builder.maxAttempts(Integer.parseInt(value)));
    options.put("partSize", value -> builder.partSize(Integer.parseInt(value)));
    LocationOptions.apply(location, options, null, null);
    return builder.build();
  }

  /** Returns the bucket. */
  public String bucket() {
    return shared.bucket;
  }

  /** Returns the key prefix of this storage ("" or ending in "/"). */
  public String keyPrefix() {
    return base;
  }

  private String key(String name) {
    if (!LocalCheckpointStorage.isValidName(name)) {
      throw new IllegalArgumentException("invalid object name '" + name + "' under " + describe(""));
    }
    return base + name;
  }

  private String uri(String key) {
    return "s3://" + shared.bucket + "/" + key;
  }

  private void checkLease(String forWhat) throws IOException {
    S3Lease lease = shared.lease.get();
    if (lease != null) {
      lease.check(forWhat);
    }
  }

  private static boolean status(SdkException e, int status) {
    return e instanceof S3Exception s3 && s3.statusCode() == status;
  }

  private static String crc32c(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private IOException failure(String operation, String key, SdkException e) {
    return new IOException(operation + " " + uri(key) + " failed: " + e.getMessage(), e);
  }

  /**
   * Creates {@code key} with {@code bytes} unless it exists.
   *
   * @return the new object's ETag, or null if an object with other content exists
   */
  private String putIfAbsent(String key, byte[] bytes, int length) throws IOException {
    String checksum = crc32c(bytes, length);
    try {
      return shared.retry.call("PUT", uri(key), attempt -> {
        try {
          return shared.client.putObject(b -> b.bucket(shared.bucket).key(key).ifNoneMatch("*")
              .checksumCRC32C(checksum).contentLength((long) length), RequestBody.fromBytes(length == bytes.length
                  ? bytes : Arrays.copyOf(bytes, length))).eTag();
        } catch (SdkException e) {
          if (status(e, 412) && attempt > 1) {
            // an earlier attempt whose response was lost may have created it: ours if its bytes are ours
            byte[] existing = readAll(key);
            if (existing != null && Arrays.equals(existing, 0, existing.length, bytes, 0, length)) {
              return etagOf(key);
            }
          }
          throw e;
        }
      });
    } catch (SdkException e) {
      if (status(e, 412) || status(e, 409)) {
        return null;
      }
      throw failure("PUT", key, e);
    }
  }

  /** Replaces {@code key} if its ETag is {@code etag}; returns the new ETag, or null if it is not. */
  private String replaceIfMatch(String key, byte[] bytes, String etag) throws IOException {
    String checksum = crc32c(bytes, bytes.length);
    try {
      return shared.retry.call("PUT (If-Match)", uri(key), attempt -> {
        try {
          return shared.client.putObject(b -> b.bucket(shared.bucket).key(key).ifMatch(etag).checksumCRC32C(checksum)
              .contentLength((long) bytes.length), RequestBody.fromBytes(bytes)).eTag();
        } catch (SdkException e) {
          if (status(e, 412) && attempt > 1) {
            byte[] existing = readAll(key);
            if (existing != null && Arrays.equals(existing, bytes)) {
              return etagOf(key);
            }
          }
          throw e;
        }
      });
    } catch (SdkException e) {
      if (status(e, 412) || status(e, 409) || status(e, 404)) {
        return null;
      }
      throw failure("PUT (If-Match)", key, e);
    }
  }

  private String etagOf(String key) throws IOException {
    try {
      return shared.retry.call("HEAD", uri(key), a -> shared.client.headObject(b -> b.bucket(shared.bucket).key(key)).eTag());
    } catch (SdkException e) {
      throw failure("HEAD", key, e);
    }
  }

  /** Reads a small object whole; null if it does not exist. */
  private byte[] readAll(String key) throws IOException {
    ResponseBytes<GetObjectResponse> bytes = readVersioned(key);
    return bytes == null ? null : bytes.asByteArray();
  }

  private ResponseBytes<GetObjectResponse> readVersioned(String key) throws IOException {
    try {
      return shared.retry.call("GET", uri(key), a -> shared.client.getObjectAsBytes(b -> b.bucket(shared.bucket).key(key)));
    } catch (SdkException e) {
      if (status(e, 404)) {
        return null;
      }
      throw failure("GET", key, e);
    }
  }

  @Override
  public Output create(String name) throws IOException {
    String key = key(name);
    if (exists(name)) {
      throw new FileAlreadyExistsException(uri(key));
    }
    return new S3Output(key);
  }

  /** Buffers a part in memory; one PUT for a small object, a multipart upload for a large one. */
  private final class S3Output extends Output {
    private final String key;
    private byte[] buffer = new byte[16 * 1024];
    private int buffered;
    private String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();
    private long total;
    private boolean done;

    S3Output(String key) {
      this.key = key;
    }

    private void checkOpen() {
      if (done) {
        throw new IllegalStateException(uri(key) + " is already committed or aborted");
      }
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      checkOpen();
      while (len > 0) {
        if (buffered == shared.partSize) {
          uploadPart();
        }
        if (buffered == buffer.length) {
          buffer = Arrays.copyOf(buffer, Math.min(shared.partSize, buffer.length * 2));
        }
        int n = Math.min(len, buffer.length - buffered);
        System.arraycopy(b, off, buffer, buffered, n);
        buffered += n;
        off += n;
        len -= n;
      }
    }

    private void uploadPart() throws IOException {
      try {
        if (uploadId == null) {
          uploadId = shared.retry.call("CreateMultipartUpload", uri(key), a -> shared.client.createMultipartUpload(
              b -> b.bucket(shared.bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.CRC32_C)).uploadId());
        }
        int number = parts.size() + 1;
        byte[] part = Arrays.copyOf(buffer, buffered);
        String checksum = crc32c(part, part.length);
        String etag = shared.retry.call("UploadPart " + number, uri(key), a -> shared.client.uploadPart(
            b -> b.bucket(shared.bucket).key(key).uploadId(uploadId).partNumber(number).checksumCRC32C(checksum)
                .contentLength((long) part.length), RequestBody.fromBytes(part)).eTag());
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).checksumCRC32C(checksum).build());
        total += part.length;
        buffered = 0;
      } catch (SdkException e) {
        abort();
        throw failure("upload of", key, e);
      } catch (IOException e) {
        abort();
        throw e;
      }
    }

    @Override
    public void commit() throws IOException {
      checkOpen();
      try {
        checkLease("commit " + uri(key));
        if (uploadId == null) {
          if (putIfAbsent(key, buffer, buffered) == null) {
            throw new FileAlreadyExistsException(uri(key));
          }
        } else {
          if (buffered > 0) {
            uploadPart();
          }
          completeUpload();
        }
        done = true;
      } catch (IOException | RuntimeException e) {
        abort();
        throw e;
      }
    }

    private void completeUpload() throws IOException {
      long size = total;
      try {
        shared.retry.call("CompleteMultipartUpload", uri(key), attempt -> {
          try {
            return shared.client.completeMultipartUpload(b -> b.bucket(shared.bucket).key(key).uploadId(uploadId)
                .ifNoneMatch("*").multipartUpload(u -> u.parts(parts)));
          } catch (SdkException e) {
            if ((status(e, 404) || status(e, 412)) && attempt > 1 && exists(key.substring(base.length()))
                && size(key.substring(base.length())) == size) {
              return null; // an earlier attempt whose response was lost completed it
            }
            throw e;
          }
        });
      } catch (SdkException e) {
        if (status(e, 412) || status(e, 409)) {
          throw new FileAlreadyExistsException(uri(key));
        }
        throw failure("CompleteMultipartUpload", key, e);
      }
    }

    @Override
    public void abort() {
      if (done) {
        return;
      }
      done = true;
      buffer = null;
      if (uploadId != null) {
        try {
          shared.retry.call("AbortMultipartUpload", uri(key), a -> shared.client.abortMultipartUpload(
              b -> b.bucket(shared.bucket).key(key).uploadId(uploadId)));
        } catch (IOException | RuntimeException e) {
          LOG.warn("Could not abort the upload of {}; the next coordinator to take the lease aborts it", uri(key), e);
        }
      }
    }

    @Override
    public void close() throws IOException {
      if (!done) {
        commit();
      }
    }
  }

  @Override
  public void commitMetadata(String name, byte[] bytes) throws IOException {
    String key = key(name);
    checkLease("commit " + uri(key));
    if (putIfAbsent(key, bytes, bytes.length) == null) {
      throw new FileAlreadyExistsException(uri(key), null, "exists: another writer committed it first");
    }
  }

  @Override
  public InputStream open(String name) throws IOException {
    String key = key(name);
    InputStream in;
    try {
      in = shared.retry.call("GET", uri(key), a -> shared.client.getObject(b -> b.bucket(shared.bucket).key(key)));
    } catch (SdkException e) {
      if (status(e, 404)) {
        throw new NoSuchFileException(uri(key));
      }
      throw failure("GET", key, e);
    }
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        try {
          return super.read();
        } catch (IOException | SdkException e) {
          throw new IOException("reading " + uri(key) + " failed: " + e.getMessage(), e);
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (IOException | SdkException e) {
          throw new IOException("reading " + uri(key) + " failed: " + e.getMessage(), e);
        }
      }
    };
  }

  @Override
  public long size(String name) throws IOException {
    String key = key(name);
    try {
      return shared.retry.call("HEAD", uri(key), a -> shared.client.headObject(b -> b.bucket(shared.bucket).key(key))
          .contentLength());
    } catch (SdkException e) {
      if (status(e, 404)) {
        throw new NoSuchFileException(uri(key));
      }
      throw failure("HEAD", key, e);
    }
  }

  @Override
  public boolean exists(String name) throws IOException {
    try {
      size(name);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  @Override
  public Listing list(String prefix) throws IOException {
    String listed = prefix.isEmpty() ? base : key(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix) + "/";
    List<String> files = new ArrayList<>();
    List<String> directories = new ArrayList<>();
    List<String> others = new ArrayList<>();
    String token = null;
    do {
      String continuation = token;
      ListObjectsV2Response page;
      try {
        page = shared.retry.call("LIST", uri(listed), a -> shared.client.listObjectsV2(b -> b.bucket(shared.bucket)
            .prefix(listed).delimiter("/").continuationToken(continuation)));
      } catch (SdkException e) {
        throw failure("LIST", listed, e);
      }
      for (S3Object object : page.contents()) {
        String rest = object.key().substring(listed.length());
        (LocalCheckpointStorage.isValidName(rest) ? files : others).add(rest); // "dir/" markers and odd keys: others
      }
      for (CommonPrefix common : page.commonPrefixes()) {
        String rest = common.prefix().substring(listed.length(), common.prefix().length() - 1);
        (LocalCheckpointStorage.isValidName(rest) ? directories : others).add(rest);
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return new Listing(files, directories, others);
  }

  @Override
  public void delete(String name) throws IOException {
    String key = key(name);
    checkLease("delete " + uri(key));
    try {
      shared.retry.call("DELETE", uri(key), a -> shared.client.deleteObject(b -> b.bucket(shared.bucket).key(key)));
    } catch (SdkException e) {
      if (status(e, 404)) {
        return;
      }
      throw failure("DELETE", key, e);
    }
  }

  /** Nothing to do: every request is durable when it returns. */
  @Override
  public void sync() {}

  /** A prefix exists only while objects are under it: true if none is ({@code ""}: this storage's own). */
  @Override
  public boolean deletePrefix(String prefix) throws IOException {
    String listed = prefix.isEmpty() ? base
        : key(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix) + "/";
    try {
      return shared.retry.call("LIST", uri(listed), a -> shared.client.listObjectsV2(b -> b.bucket(shared.bucket)
          .prefix(listed).maxKeys(1))).contents().isEmpty();
    } catch (SdkException e) {
      throw failure("LIST", listed, e);
    }
  }

  /**
   * Takes the lease of this location ({@code _lock} under it) for one coordinator, waiting for a
   * lease that is neither renewed nor released to expire; then aborts the multipart uploads a crashed
   * holder left under this prefix. Closing the result releases it.
   *
   * @return null if another live coordinator holds it
   */
  @Override
  public AutoCloseable lease() throws IOException {
    String key = base + LEASE_OBJECT;
    String owner = UUID.randomUUID() + "@" + hostName() + "/pid-" + ProcessHandle.current().pid();
    S3Lease lease = S3Lease.take(new S3Lease.Store() {
      @Override
      public String createIfAbsent(byte[] content) throws IOException {
        return putIfAbsent(key, content, content.length);
      }

      @Override
      public String replaceIfMatch(byte[] content, String etag) throws IOException {
        return S3CheckpointStorage.this.replaceIfMatch(key, content, etag);
      }

      @Override
      public S3Lease.Versioned read() throws IOException {
        ResponseBytes<GetObjectResponse> bytes = readVersioned(key);
        return bytes == null ? null : new S3Lease.Versioned(bytes.asByteArray(), bytes.response().eTag());
      }

      @Override
      public String describe() {
        return uri(key);
      }
    }, owner, shared.leaseDuration, shared.maxClockSkew);
    if (lease == null) {
      return null;
    }
    if (!shared.lease.compareAndSet(null, lease)) {
      lease.close();
      throw new IllegalStateException("the lease of " + uri(key) + " is already held through this storage");
    }
    abortStaleUploads();
    return () -> {
      shared.lease.compareAndSet(lease, null);
      lease.close();
    };
  }

  private void abortStaleUploads() {
    try {
      String keyMarker = null;
      String uploadMarker = null;
      boolean more = true;
      while (more) {
        String k = keyMarker;
        String u = uploadMarker;
        var page = shared.retry.call("ListMultipartUploads", uri(base), a -> shared.client.listMultipartUploads(
            b -> b.bucket(shared.bucket).prefix(base).keyMarker(k).uploadIdMarker(u)));
        for (MultipartUpload upload : page.uploads()) {
          LOG.info("Aborting the upload of {} (started {}) that a previous coordinator left", uri(upload.key()),
              upload.initiated());
          shared.retry.call("AbortMultipartUpload", uri(upload.key()), a -> shared.client.abortMultipartUpload(
              b -> b.bucket(shared.bucket).key(upload.key()).uploadId(upload.uploadId())));
        }
        more = Boolean.TRUE.equals(page.isTruncated());
        keyMarker = page.nextKeyMarker();
        uploadMarker = page.nextUploadIdMarker();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not list or abort the unfinished uploads under {}; they stay until a bucket lifecycle rule"
          + " removes them", uri(base), e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      return "unknown-host";
    }
  }

  @Override
  public S3CheckpointStorage child(String prefix) {
    if (!LocalCheckpointStorage.isValidName(prefix)) {
      throw new IllegalArgumentException("invalid prefix '" + prefix + "' under " + describe(""));
    }
    return new S3CheckpointStorage(shared, base + prefix + "/", false);
  }

  @Override
  public String describe(String name) {
    if (name.isEmpty()) {
      return "s3://" + shared.bucket + "/" + (base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    }
    return uri(base + name);
  }

  /** Releases the lease if one is still held and closes the client if this storage built it; children: nothing. */
  @Override
  public void close() {
    if (!root) {
      return;
    }
    S3Lease lease = shared.lease.getAndSet(null);
    if (lease != null) {
      lease.close();
    }
    if (shared.ownsClient) {
      shared.client.close();
    }
  }

  @Override
  public String toString() {
    return "S3CheckpointStorage(" + describe("") + ")";
  }

  /** Configures an {@link S3CheckpointStorage}. */
  public static final class Builder {
    private final String bucket;
    private final String prefix;
    private S3Client client;
    private URI endpoint;
    private String region;
    private boolean pathStyle;
    private AwsCredentialsProvider credentials;
    private Duration leaseDuration = Duration.ofSeconds(60);
    private Duration maxClockSkew = Duration.ofSeconds(10);
    private int maxAttempts = 6;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Duration attemptTimeout = Duration.ofSeconds(60);
    private int partSize = 8 * 1024 * 1024;

    private Builder(String bucket, String prefix) {
      if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        throw new IllegalArgumentException("invalid bucket name '" + bucket + "': 3 to 63 of [a-z0-9.-]");
      }
      String p = prefix == null ? "" : prefix;
      while (p.startsWith("/")) {
        p = p.substring(1);
      }
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      if (!p.isEmpty() && !LocalCheckpointStorage.isValidName(p)) {
        throw new IllegalArgumentException("invalid key prefix '" + prefix + "' for s3://" + bucket
            + ": segments of [A-Za-z0-9._-] joined by '/'");
      }
      this.bucket = bucket;
      this.prefix = p;
    }

    /** A client to use (its retries should be off); the caller keeps it and closes it. */
    public Builder client(S3Client client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The endpoint of an S3-compatible server, such as {@code http://127.0.0.1:9000}. Default AWS. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /** The region; default the SDK's region chain ({@code aws.region}, {@code AWS_REGION}, profile). */
    public Builder region(String region) {
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /** Path-style addressing ({@code endpoint/bucket/key}), as most S3-compatible servers want. Default false. */
    public Builder pathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    /** The credentials; default the SDK's default chain. */
    public Builder credentials(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /** How long a lease lasts without renewal (renewed every quarter of it). Default 60 s. */
    public Builder leaseDuration(Duration duration) {
      if (duration.toMillis() < 100) {
        throw new IllegalArgumentException("lease duration must be at least 100 ms, not " + duration);
      }
      this.leaseDuration = duration;
      return this;
    }

    /** The largest difference between two machines' wall clocks this storage tolerates. Default 10 s. */
    public Builder maxClockSkew(Duration skew) {
      if (skew.isNegative()) {
        throw new IllegalArgumentException("max clock skew must not be negative: " + skew);
      }
      this.maxClockSkew = skew;
      return this;
    }

    /** Attempts per request, at least 1 (no retry). Default 6. */
    public Builder maxAttempts(int attempts) {
      this.maxAttempts = attempts;
      return this;
    }

    /** The backoff before the first retry, doubled per retry up to {@code max}. Default 100 ms to 5 s. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = Objects.requireNonNull(initial, "initial");
      this.maxBackoff = Objects.requireNonNull(max, "max");
      return this;
    }

    /** The timeout of one attempt of one request (for clients this builder builds). Default 60 s. */
    public Builder attemptTimeout(Duration timeout) {
      this.attemptTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** The size of upload parts, at least 5 MiB (S3's minimum). Default 8 MiB. */
    public Builder partSize(int bytes) {
      if (bytes < 5 * 1024 * 1024) {
        throw new IllegalArgumentException("part size must be at least 5 MiB (S3's minimum), not " + bytes);
      }
      this.partSize = bytes;
      return this;
    }

    /** Builds the storage (and its client, unless one was given). */
    public S3CheckpointStorage build() {
      StorageRetry retry = S3Retry.policy(maxAttempts, initialBackoff, maxBackoff);
      boolean owns = client == null;
      S3Client c = client;
      if (c == null) {
        S3ClientBuilder b = S3Client.builder()
            .httpClient(Apache5HttpClient.builder().socketTimeout(attemptTimeout).maxConnections(64).build())
            .overrideConfiguration(ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.doNotRetry()) // one bounded, logged policy: S3Retry
                .apiCallAttemptTimeout(attemptTimeout)
                .build())
            // checksums are Cairn's: CRC32C sent with every PUT and part, verified by the server
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            // path style for S3-compatible servers; no "Expect: 100-continue" (a round trip per PUT, and
            // HttpURLConnection loses kept-alive connections over it)
            .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle)
                .expectContinueEnabled(false).build())
            .credentialsProvider(credentials != null ? credentials : DefaultCredentialsProvider.builder().build());
        if (endpoint != null) {
          b.endpointOverride(endpoint);
        }
        if (region != null) {
          b.region(Region.of(region));
        }
        c = b.build();
      }
      String base = prefix.isEmpty() ? "" : prefix + "/";
      return new S3CheckpointStorage(
          new Shared(c, owns, bucket, retry, partSize, leaseDuration, maxClockSkew), base, true);
    }
  }
}
