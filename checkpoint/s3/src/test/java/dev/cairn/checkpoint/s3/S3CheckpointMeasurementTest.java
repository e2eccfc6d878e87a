package dev.cairn.checkpoint.s3;

import dev.cairn.checkpoint.CheckpointMeasurement;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CheckpointMeasurement} on s3proxy (in this JVM, a file store on local disk): a smoke test of
 * 20,000 keys by default, a measurement at scale with a property:
 *
 * <pre>
 * nice -n 19 mvn -B -q -Dmaven.javadoc.skip -pl checkpoint/s3 -am test -Dtest=S3CheckpointMeasurementTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dcairn.s3.measure.keys=1000000
 * </pre>
 *
 * The table goes to stdout and {@code checkpoint/s3/target/s3-measurement.txt}.
 */
class S3CheckpointMeasurementTest {

  private static final int KEYS = Integer.getInteger("cairn.s3.measure.keys", 20_000);

  @TempDir Path dir;

  @Test
  void checkpointAndRestoreTimes_localAndS3_heapAndRocksDb() throws Exception {
    S3ProxyServer.credentialProperties();
    S3ProxyServer server = S3ProxyServer.get();
    String run = "measure-" + System.nanoTime() % 1_000_000;
    int[] n = {0};
    String table = CheckpointMeasurement.compareWithLocal(KEYS, dir, "s3", () -> server.location(run + "/job-" + (++n[0])),
        "s3 = s3proxy in-process over a local file store");
    Files.writeString(Path.of("target", "s3-measurement.txt"), table);
  }
}
