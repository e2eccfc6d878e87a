package dev.cairn.checkpoint.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.checkpoint.storage.CheckpointStorage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What only S3 has: the lease's takeover and loss, stale multipart uploads, bounded retries, and the
 * {@code s3://} URI with its options — against s3proxy in this JVM.
 */
class S3CheckpointStorageTest {

  private static int prefixes;

  private static synchronized String prefix(String what) {
    return "storage/" + what + "-" + (++prefixes) + "-" + System.nanoTime() % 100_000;
  }

  private static void putLease(S3Client client, String prefix, String owner, long expires) {
    client.putObject(b -> b.bucket(S3ProxyServer.BUCKET).key(prefix + "/_lock"),
        RequestBody.fromString("cairn-lease-v1\nowner=" + owner + "\nexpires=" + expires + "\n"));
  }

  @Test
  void expiredLeaseOfADeadHolder_isTakenOverAtOnce_aLiveLookingOneAfterItRunsOut() throws Exception {
    S3ProxyServer server = S3ProxyServer.get();
    try (S3Client client = server.client()) {
      String dead = prefix("dead");
      putLease(client, dead, "crashed-coordinator", System.currentTimeMillis() - 60_000);
      try (S3CheckpointStorage storage = server.storage(dead)) {
        long start = System.nanoTime();
        AutoCloseable lease = storage.lease();
        assertThat(lease).isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        storage.commitMetadata("chk-1/_metadata", new byte[] {1});
        lease.close();
      }

      String stalled = prefix("stalled");
      long expires = System.currentTimeMillis() + 1_500;
      putLease(client, stalled, "stalled-coordinator", expires); // never renewed: its holder is gone
      try (S3CheckpointStorage storage = server.storage(stalled)) {
        AutoCloseable lease = storage.lease();
        assertThat(lease).as("taken once it ran out").isNotNull();
        assertThat(System.currentTimeMillis()).as("not before expiry + skew")
            .isGreaterThanOrEqualTo(expires + S3ProxyServer.SKEW.toMillis());
        lease.close();
      }
    }
  }

  @Test
  void leaseTakenOverByAnother_makesEveryWriteFail_namingTheTaker() throws Exception {
    S3ProxyServer server = S3ProxyServer.get();
    String prefix = prefix("lost");
    try (S3Client client = server.client();
        S3CheckpointStorage storage = S3CheckpointStorage.builder(S3ProxyServer.BUCKET, prefix)
            .endpoint(server.endpoint()).region("us-east-1").pathStyle(true)
            .credentials(StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
            .leaseDuration(Duration.ofSeconds(2)).maxClockSkew(Duration.ZERO).build()) {
      AutoCloseable lease = storage.lease();
      assertThat(lease).isNotNull();
      storage.commitMetadata("chk-1/_metadata", new byte[] {1});
      // another machine overwrites it (as if this one had stalled past its expiry)
      putLease(client, prefix, "the-other-machine", System.currentTimeMillis() + 60_000);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      IOException refused = null;
      while (refused == null && System.nanoTime() < deadline) {
        try {
          storage.child("chk-2").commitMetadata("_metadata", new byte[] {2});
          storage.delete("chk-2/_metadata");
          Thread.sleep(50);
        } catch (IOException e) {
          refused = e;
        }
      }
      assertThat(refused).as("a write after the takeover").isNotNull();
      assertThat(refused).hasMessageContaining("taken over by the-other-machine").hasMessageContaining(prefix + "/_lock");
      assertThatThrownBy(() -> storage.delete("chk-1/_metadata")).isInstanceOf(IOException.class)
          .hasMessageContaining("the-other-machine");
      assertThat(storage.exists("chk-1/_metadata")).isTrue();
      lease.close(); // does not release the other machine's lease
      String content = client.getObjectAsBytes(b -> b.bucket(S3ProxyServer.BUCKET).key(prefix + "/_lock")).asUtf8String();
      assertThat(content).contains("owner=the-other-machine");
    }
  }

  @Test
  void takingTheLease_abortsUploadsACrashedHolderLeft() throws Exception {
    S3ProxyServer server = S3ProxyServer.get();
    String prefix = prefix("uploads");
    try (S3Client client = server.client()) {
      client.createMultipartUpload(b -> b.bucket(S3ProxyServer.BUCKET).key(prefix + "/shared/c1-x"));
      assertThat(client.listMultipartUploads(b -> b.bucket(S3ProxyServer.BUCKET).prefix(prefix + "/")).uploads()).hasSize(1);
      try (S3CheckpointStorage storage = server.storage(prefix)) {
        AutoCloseable lease = storage.lease();
        assertThat(client.listMultipartUploads(b -> b.bucket(S3ProxyServer.BUCKET).prefix(prefix + "/")).uploads()).isEmpty();
        lease.close();
      }
    }
  }

  @Test
  void unreachableServer_isRetriedABoundedNumberOfTimes_thenNamesBucketAndKey() throws Exception {
    try (S3CheckpointStorage storage = S3CheckpointStorage.builder("some-bucket", "jobs/a")
        .endpoint(URI.create("http://127.0.0.1:9")).region("us-east-1").pathStyle(true)
        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
        .maxAttempts(3).backoff(Duration.ofMillis(10), Duration.ofMillis(40)).build()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> storage.exists("chk-1/_metadata")).isInstanceOf(IOException.class)
          .hasMessageContaining("HEAD s3://some-bucket/jobs/a/chk-1/_metadata failed after 3 attempt(s)");
      assertThatThrownBy(() -> storage.commitMetadata("chk-1/_metadata", new byte[] {1})).isInstanceOf(IOException.class)
          .hasMessageContaining("s3://some-bucket/jobs/a/chk-1/_metadata");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }
  }

  @Test
  void location_selectsS3ByScheme_withItsOptions() throws Exception {
    S3ProxyServer.credentialProperties();
    try (CheckpointStorage storage = CheckpointStorage.forLocation(S3ProxyServer.get().location(prefix("uri")))) {
      assertThat(storage).isInstanceOf(S3CheckpointStorage.class);
      assertThat(storage.describe("chk-1/_metadata")).startsWith("s3://cairn-test/storage/uri-").endsWith("/chk-1/_metadata");
      storage.commitMetadata("chk-1/_metadata", "x".getBytes(StandardCharsets.UTF_8));
      assertThat(storage.list("").directories()).containsExactly("chk-1");
    }
    assertThatThrownBy(() -> CheckpointStorage.forLocation("s3://bucket/p?colour=blue")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option 'colour'");
    assertThatThrownBy(() -> CheckpointStorage.forLocation("s3://bucket/p?leaseDuration=soon"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseDuration");
    assertThatThrownBy(() -> CheckpointStorage.forLocation("s3:///no-bucket")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no bucket");
    assertThatThrownBy(() -> CheckpointStorage.forLocation("s3://Bad_Bucket/p")).isInstanceOf(IllegalArgumentException.class);
  }
}
