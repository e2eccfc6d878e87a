package dev.cairn.checkpoint.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.blobstore.Constants;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 REST server in this JVM: s3proxy over its {@code filesystem-nio2} blob store in a
 * temporary directory (that store resolves {@code If-None-Match: *} atomically, with link(2)), on a
 * free loopback port, with AWS v4 authentication. Started once per test JVM, on first use; every test
 * uses its own key prefix in the one bucket.
 */
public final class S3ProxyServer {

  public static final String BUCKET = "cairn-test";
  public static final String ACCESS_KEY = "cairn-access";
  public static final String SECRET_KEY = "cairn-secret";
  /**
   * Leases of tests: long enough that a loaded machine's pauses never let one run out (a quarter of it
   * between renewals), short enough that a restart after a crash waits little for the dead holder's.
   */
  public static final Duration LEASE = Duration.ofSeconds(5);
  /** The lease of crash tests, whose every restart waits for a killed holder's lease to run out. */
  public static final Duration CRASH_LEASE = Duration.ofSeconds(3);
  public static final Duration SKEW = Duration.ofMillis(100);

  private static S3ProxyServer instance;

  private final S3Proxy proxy;
  private final URI endpoint;

  private S3ProxyServer() throws Exception {
    Path store = Files.createTempDirectory("cairn-s3proxy");
    store.toFile().deleteOnExit();
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", store.toString());
    properties.setProperty(Constants.PROPERTY_IDENTITY, ACCESS_KEY);
    properties.setProperty(Constants.PROPERTY_CREDENTIAL, SECRET_KEY);
    proxy = S3Proxy.builder()
        .blobStore(BlobStores.create("filesystem-nio2", properties))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .endpoint(URI.create("http://127.0.0.1:0"))
        .build();
    proxy.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    try (S3Client client = client()) {
      client.createBucket(b -> b.bucket(BUCKET));
    }
  }

  /** Returns the running server, starting it on first use. */
  public static synchronized S3ProxyServer get() {
    if (instance == null) {
      try {
        instance = new S3ProxyServer();
      } catch (Exception e) {
        throw new IllegalStateException("cannot start s3proxy", e);
      }
    }
    return instance;
  }

  public URI endpoint() {
    return endpoint;
  }

  /** A new client of the server (its own connections). */
  public S3Client client() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
            .pathStyleAccessEnabled(true).expectContinueEnabled(false).build())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClient(software.amazon.awssdk.http.apache5.Apache5HttpClient.create())
        .build();
  }

  /** A storage at {@code s3://cairn-test/<prefix>}, building its own client. */
  public S3CheckpointStorage storage(String prefix) {
    return S3CheckpointStorage.builder(BUCKET, prefix)
        .endpoint(endpoint).region("us-east-1").pathStyle(true)
        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .leaseDuration(LEASE).maxClockSkew(SKEW)
        .build();
  }

  /**
   * The URI of {@code s3://cairn-test/<prefix>} with this server's endpoint and short leases; the
   * credentials come from the system properties {@link #credentialProperties()} sets.
   */
  public String location(String prefix) {
    return location(prefix, LEASE);
  }

  /** Like {@link #location(String)}, with leases of {@code lease}. */
  public String location(String prefix, Duration lease) {
    return "s3://" + BUCKET + "/" + prefix + "?endpoint=" + endpoint + "&region=us-east-1&pathStyle=true"
        + "&leaseDuration=" + lease + "&maxClockSkew=" + SKEW;
  }

  /** Whether {@code name} is the temporary file of an upload in progress (s3proxy's file store lists them). */
  public static boolean isUploadInProgress(String name) {
    return name.matches(".+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }

  /** The credentials as the SDK's system properties, for this JVM and as options of child JVMs. */
  public static List<String> credentialProperties() {
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    return List.of("-Daws.accessKeyId=" + ACCESS_KEY, "-Daws.secretAccessKey=" + SECRET_KEY);
  }
}
