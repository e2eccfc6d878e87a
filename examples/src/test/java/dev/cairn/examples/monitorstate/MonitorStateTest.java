package dev.cairn.examples.monitorstate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.examples.DemoOutput;
import dev.cairn.examples.ttlbounded.TtlBounded;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The monitor writes a PNG chart and a CSV of the figures Cairn's metrics report after each checkpoint. */
class MonitorStateTest {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  @TempDir Path out;

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void writesChartAndCsv_ttlKeepsStateBounded(String backend) throws Exception {
    DemoOutput output = new DemoOutput();
    int code = MonitorState.run(new String[] {"--out", out.toString(), "--backend", backend, "--events", "50000"},
        output.out());
    assertThat(code).as(output.toString()).isZero();

    Path png = out.resolve("state-size.png");
    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes.length).isGreaterThan(PNG_SIGNATURE.length);
    assertThat(Arrays.copyOf(bytes, PNG_SIGNATURE.length)).isEqualTo(PNG_SIGNATURE);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(900);
    assertThat(image.getHeight()).isEqualTo(600);

    List<String> csv = Files.readAllLines(out.resolve("state-size.csv"));
    assertThat(csv.get(0)).isEqualTo(MonitorState.CSV_HEADER);
    assertThat(csv).hasSize(1 + 2 * MonitorState.CHECKPOINTS);
    Set<String> seen = new HashSet<>();
    long streamed = 0;
    for (int row = 1; row < csv.size(); row++) {
      String[] f = csv.get(row).split(",");
      boolean ttl = row > MonitorState.CHECKPOINTS;
      int checkpoint = ttl ? row - MonitorState.CHECKPOINTS : row;
      assertThat(f[0]).isEqualTo(ttl ? "on" : "off");
      assertThat(Long.parseLong(f[1])).as("checkpoint id").isEqualTo(checkpoint);
      long events = Long.parseLong(f[2]);
      assertThat(events).isEqualTo(checkpoint * 5_000L);
      long entries = Long.parseLong(f[3]);
      assertThat(Long.parseLong(f[4])).as("state bytes, row %d", row).isPositive();
      assertThat(Long.parseLong(f[5])).as("checkpoint bytes, row %d", row).isPositive();
      if (!ttl) {
        for (; streamed < events; streamed++) {
          seen.add(TtlBounded.user(streamed));
        }
        assertThat(entries).as("without TTL: one entry per user seen, row %d", row).isEqualTo(seen.size());
      } else if (checkpoint > 1 || backend.equals("heap")) { // RocksDB's first estimate may still be 0
        assertThat(entries).as("with TTL: about the users of one TTL, row %d", row).isBetween(90L, 300L);
      }
    }
    String[] lastOff = csv.get(MonitorState.CHECKPOINTS).split(",");
    String[] lastOn = csv.get(2 * MonitorState.CHECKPOINTS).split(",");
    // RocksDB's bytes include a memtable's fixed 2 KiB: a third, not a fifth, at 50,000 events
    assertThat(Long.parseLong(lastOn[4])).as("bytes with TTL").isLessThan(Long.parseLong(lastOff[4]) / 3);
    assertThat(Long.parseLong(lastOn[5])).as("checkpoint bytes with TTL").isLessThan(Long.parseLong(lastOff[5]) / 5);
    assertThat(output.toString()).contains("wrote " + out.resolve("state-size.csv") + " (20 rows)");
  }

  @Test
  void tooFewEvents_exitCode2() throws Exception {
    DemoOutput output = new DemoOutput();
    assertThat(MonitorState.run(new String[] {"--out", out.toString(), "--events", "5"}, output.out())).isEqualTo(2);
    assertThat(output.toString()).contains("--events must be at least 10");
    assertThat(out.resolve("state-size.png")).doesNotExist();
  }
}
