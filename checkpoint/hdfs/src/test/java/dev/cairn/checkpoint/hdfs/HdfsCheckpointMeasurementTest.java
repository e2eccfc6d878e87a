package dev.cairn.checkpoint.hdfs;

import dev.cairn.checkpoint.CheckpointMeasurement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CheckpointMeasurement} on HDFS (MiniDFSCluster in this JVM: one NameNode, one DataNode on
 * local disk): a smoke test of 20,000 keys by default, a measurement at scale with a property:
 *
 * <pre>
 * nice -n 19 mvn -B -q -Dmaven.javadoc.skip -pl checkpoint/hdfs -am test -Dtest=HdfsCheckpointMeasurementTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dcairn.hdfs.measure.keys=1000000
 * </pre>
 *
 * The table goes to stdout and {@code checkpoint/hdfs/target/hdfs-measurement.txt}.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class HdfsCheckpointMeasurementTest {

  private static final int KEYS = Integer.getInteger("cairn.hdfs.measure.keys", 20_000);

  @TempDir Path dir;

  @Test
  void checkpointAndRestoreTimes_localAndHdfs_heapAndRocksDb() throws Exception {
    HdfsTestCluster hdfs = HdfsTestCluster.get();
    String run = "measure-" + System.nanoTime() % 1_000_000;
    int[] n = {0};
    String table = CheckpointMeasurement.compareWithLocal(KEYS, dir, "hdfs", () -> hdfs.location(run + "/job-" + (++n[0])),
        "hdfs = MiniDFSCluster in-process (1 NameNode, 1 DataNode, replication 1) on local disk");
    Files.writeString(Path.of("target", "hdfs-measurement.txt"), table);
  }
}
