package dev.cairn.checkpoint.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.storage.CheckpointStorage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What only HDFS has: the lease between two machines (a second JVM) and its loss, the rename commit,
 * bounded retries against an unreachable NameNode, and the {@code hdfs://} URI with its options — on
 * MiniDFSCluster in this JVM.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HdfsCheckpointStorageTest {

  private static int directories;

  private static synchronized String directory(String what) {
    return "storage/" + what + "-" + (++directories) + "-" + System.nanoTime() % 100_000;
  }

  private static byte[] read(CheckpointStorage storage, String name) throws IOException {
    try (InputStream in = storage.open(name)) {
      return in.readAllBytes();
    }
  }

  /** Starts "another machine" holding the lease of {@code location}; returns once it holds it. */
  private static Process holderOnAnotherMachine(String location) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(javaBin, "-Xmx128m", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        LeaseHolder.class.getName(), location)).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      seen.append(line).append('\n');
      if (line.equals("held")) {
        Thread drain = new Thread(() -> {
          try {
            out.transferTo(java.io.Writer.nullWriter());
          } catch (IOException e) {
            // the process was killed
          }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
      }
    }
    p.destroyForcibly();
    throw new AssertionError("the other machine did not take the lease; its output:\n" + seen);
  }

  @Test
  void lease_heldByALiveMachine_isRefusedWithinAHeartbeat_andTakenOverOnceThatMachineIsKilled() throws Exception {
    HdfsTestCluster hdfs = HdfsTestCluster.get();
    String dir = directory("machines");
    Process other = holderOnAnotherMachine(hdfs.location(dir));
    try (HdfsCheckpointStorage storage = hdfs.storage(dir)) {
      long start = System.nanoTime();
      assertThat(storage.lease()).as("the lease while the other machine lives").isNull();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThatThrownBy(() -> CheckpointCoordinator.builder(hdfs.location(dir)).build().close())
          .hasMessageContaining("in use by another live coordinator");

      other.destroyForcibly(); // SIGKILL: its client stops renewing, the NameNode's soft limit runs out
      assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long killed = System.nanoTime();
      AutoCloseable lease = storage.lease();
      assertThat(lease).as("the lease of a killed holder").isNotNull();
      assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(25));
      assertThat(HdfsLease.lastOwner(storage.fileSystem(), new org.apache.hadoop.fs.Path(storage.directory(), "_lock"),
          "_lock")).contains("/pid-" + ProcessHandle.current().pid());
      storage.commitMetadata("chk-1/_metadata", new byte[] {1});
      lease.close();
    } finally {
      other.destroyForcibly();
    }
  }

  @Test
  void leaseRecoveredFromUnderItsHolder_makesEveryWriteFail_namingTheTaker() throws Exception {
    HdfsTestCluster hdfs = HdfsTestCluster.get();
    String dir = directory("lost");
    try (HdfsCheckpointStorage first = hdfs.storage(dir); HdfsCheckpointStorage second = hdfs.storage(dir)) {
      AutoCloseable lease = first.lease();
      assertThat(lease).isNotNull();
      first.commitMetadata("chk-1/_metadata", new byte[] {1});
      // the other machine's operator forces the NameNode to recover the file (as if the holder had died)
      org.apache.hadoop.fs.Path lock = new org.apache.hadoop.fs.Path(second.directory(), "_lock");
      DistributedFileSystem dfs = (DistributedFileSystem) second.fileSystem();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!dfs.recoverLease(lock) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      AutoCloseable taken = second.lease();
      assertThat(taken).as("the lease after recovery").isNotNull();
      String taker = HdfsLease.lastOwner(dfs, lock, "_lock");

      IOException refused = null;
      deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (refused == null && System.nanoTime() < deadline) {
        try {
          first.child("chk-2").commitMetadata("_metadata", new byte[] {2});
          first.delete("chk-2/_metadata");
          Thread.sleep(50);
        } catch (IOException e) {
          refused = e;
        }
      }
      assertThat(refused).as("a write after the takeover").isNotNull();
      assertThat(refused).hasMessageContaining("taken over by").hasMessageContaining(dir + "/_lock");
      assertThat(refused.getMessage()).satisfiesAnyOf(m -> assertThat(m).contains(taker),
          m -> assertThat(m).contains("lease recovery"));
      assertThatThrownBy(() -> first.delete("chk-1/_metadata")).isInstanceOf(IOException.class).hasMessageContaining("taken over by");
      assertThat(first.exists("chk-1/_metadata")).isTrue();
      lease.close(); // does not disturb the new holder
      second.commitMetadata("chk-3/_metadata", new byte[] {3});
      assertThat(HdfsLease.lastOwner(dfs, lock, "_lock")).isEqualTo(taker);
      taken.close();
    }
  }

  @Test
  void metadataCommit_renameNeverOverwrites_andAnUnfinishedWriteStaysInvisibleUntilCleanedUp() throws Exception {
    HdfsTestCluster hdfs = HdfsTestCluster.get();
    String dir = directory("rename");
    try (HdfsCheckpointStorage storage = hdfs.storage(dir)) {
      storage.commitMetadata("chk-1/_metadata", "first".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> storage.commitMetadata("chk-1/_metadata", "second".getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(storage.describe("chk-1/_metadata"));
      assertThat(read(storage, "chk-1/_metadata")).asString(StandardCharsets.UTF_8).isEqualTo("first");
      assertThat(storage.list("chk-1").files()).as("no temporary file left").containsExactly("_metadata");

    }
    String job = directory("unfinished");
    try (HdfsCheckpointStorage storage = hdfs.storage(job)) {
      // a writer that dies before its commit: its bytes sit under a temporary name only
      CheckpointStorage.Output unfinished = storage.create("chk-2/task-0.keyed-state");
      unfinished.write(new byte[100_000]);
      assertThat(storage.exists("chk-2/task-0.keyed-state")).isFalse();
      assertThat(storage.list("chk-2").files()).singleElement().asString().startsWith(".tmp-");
      try (CheckpointCoordinator coordinator = CheckpointCoordinator.builder(hdfs.location(job)).build()) {
        assertThat(coordinator.completedCheckpoints()).isEmpty();
      }
      assertThat(storage.list("").directories()).as("the unfinished checkpoint removed by the next coordinator")
          .doesNotContain("chk-2");
      unfinished.abort();
    }
  }

  @Test
  void unreachableNameNode_isRetriedABoundedNumberOfTimes_thenNamesThePath() throws Exception {
    try (HdfsCheckpointStorage storage = HdfsCheckpointStorage.builder(URI.create("hdfs://127.0.0.1:9/jobs/a"))
        .set("ipc.client.connect.max.retries", "0").set("ipc.client.connect.timeout", "1000")
        .maxAttempts(3).backoff(Duration.ofMillis(10), Duration.ofMillis(40)).build()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> storage.exists("chk-1/_metadata")).isInstanceOf(IOException.class)
          .hasMessageContaining("getFileStatus hdfs://127.0.0.1:9/jobs/a/chk-1/_metadata failed after 3 attempt(s)");
      assertThatThrownBy(() -> storage.commitMetadata("chk-1/_metadata", new byte[] {1})).isInstanceOf(IOException.class)
          .hasMessageContaining("hdfs://127.0.0.1:9/jobs/a/chk-1/_metadata");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }
  }

  @Test
  void location_selectsHdfsByScheme_withItsOptions() throws Exception {
    HdfsTestCluster hdfs = HdfsTestCluster.get();
    String dir = directory("uri");
    try (CheckpointStorage storage = CheckpointStorage.forLocation(hdfs.location(dir))) {
      assertThat(storage).isInstanceOf(HdfsCheckpointStorage.class);
      assertThat(storage.describe("chk-1/_metadata")).isEqualTo(hdfs.uri() + "/" + dir + "/chk-1/_metadata");
      storage.commitMetadata("chk-1/_metadata", "x".getBytes(StandardCharsets.UTF_8));
      assertThat(storage.list("").directories()).containsExactly("chk-1");
    }
    assertThatThrownBy(() -> CheckpointStorage.forLocation("hdfs://nn:8020/p?colour=blue"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option 'colour'");
    assertThatThrownBy(() -> CheckpointStorage.forLocation("hdfs://nn:8020/p?leaseHeartbeat=soon"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseHeartbeat");
    assertThatThrownBy(() -> CheckpointStorage.forLocation("hdfs://nn:8020/p?leaseHeartbeat=PT30S"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("soft limit");
    assertThatThrownBy(() -> CheckpointStorage.forLocation("hdfs:///no-namenode"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no NameNode");
    assertThatThrownBy(() -> CheckpointStorage.forLocation("hdfs://nn:8020/a b")).isInstanceOf(IllegalArgumentException.class);
  }
}
