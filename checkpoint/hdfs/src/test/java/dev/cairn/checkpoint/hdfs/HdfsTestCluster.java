package dev.cairn.checkpoint.hdfs;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS in this JVM: Hadoop's {@code MiniDFSCluster} (a NameNode and one DataNode) under {@code
 * target/minidfs-<pid>}, started once per test JVM on first use and shut down when the JVM exits; every
 * test uses its own directory. The NameNode's lease soft limit is {@link #SOFT_LIMIT} instead of HDFS's
 * 60 s, and clients renew their leases every second ({@code ipc.client.rpc-timeout.ms} of 2 s, halved),
 * so that a killed holder's lease runs out in seconds.
 */
public final class HdfsTestCluster {

  /** The NameNode's soft limit: how long after a client's last renewal another may take its files. */
  public static final Duration SOFT_LIMIT = Duration.ofSeconds(6);
  /** The lease heartbeat of tests. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(1);

  private static HdfsTestCluster instance;

  private final MiniDFSCluster cluster;
  private final URI uri;

  private HdfsTestCluster() throws IOException {
    Path base = Path.of(System.getProperty("cairn.hdfs.basedir", "target"))
        .resolve("minidfs-" + ProcessHandle.current().pid()).toAbsolutePath();
    Files.createDirectories(base);
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
    conf.setInt("dfs.replication", 1);
    conf.setInt("dfs.heartbeat.interval", 1);
    conf.setInt("dfs.namenode.fs-limits.min-block-size", 1024);
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    cluster.setLeasePeriod(SOFT_LIMIT.toMillis(), 10 * SOFT_LIMIT.toMillis());
    uri = URI.create("hdfs://localhost:" + cluster.getNameNodePort());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cluster.shutdown(true);
    }, "minidfs-shutdown"));
  }

  /** Returns the running cluster, starting it on first use. */
  public static synchronized HdfsTestCluster get() {
    if (instance == null) {
      try {
        instance = new HdfsTestCluster();
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("cannot start MiniDFSCluster", e);
      }
    }
    return instance;
  }

  /** The NameNode's URI, {@code hdfs://localhost:port}. */
  public URI uri() {
    return uri;
  }

  public MiniDFSCluster cluster() {
    return cluster;
  }

  /** The client options every test location carries (see the class comment). */
  public static String clientOptions() {
    return "dfs.replication=1&ipc.client.rpc-timeout.ms=2000&leaseHeartbeat=" + HEARTBEAT + "&takeoverTimeout=PT30S";
  }

  /** The URI of the directory {@code /<path>} with the test options. */
  public String location(String path) {
    return uri + "/" + path + "?" + clientOptions();
  }

  /** A storage at {@code /<path>}, with its own client. */
  public HdfsCheckpointStorage storage(String path) throws IOException {
    return HdfsCheckpointStorage.at(URI.create(location(path)));
  }
}
