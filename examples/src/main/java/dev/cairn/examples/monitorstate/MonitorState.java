package dev.cairn.examples.monitorstate;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointParticipant;
import dev.cairn.checkpoint.CheckpointStats;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.checkpoint.metrics.CairnMetrics;
import dev.cairn.examples.Demo;
import dev.cairn.examples.ttlbounded.TtlBounded;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.ValueState;
import dev.cairn.state.ValueStateDescriptor;
import dev.cairn.state.metrics.BackendMetrics;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import dev.cairn.ttl.TtlStateBackend;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Monitoring state size over time: the visits stream of {@code ttl-bounded} runs twice, with TTL and
 * without, each under a checkpoint coordinator that takes a checkpoint every tenth of the stream.
 * After each checkpoint the example reads the figures a monitoring system would scrape, from Cairn's
 * metrics API ({@link CairnMetrics}, the same figures its JMX MBeans and Micrometer meters publish):
 * the backend's entries and bytes and the checkpoint's size. It prints them, writes them to {@code
 * DIR/state-size.csv} and draws {@code DIR/state-size.png} (JFreeChart): entries and bytes per
 * checkpoint, TTL on and off. Without TTL the lines climb for ever (the course's "alert if state
 * grows without bound"); with TTL they level off.
 *
 * <pre>{@code
 * java -jar examples/target/cairn-examples.jar monitor-state [--out DIR] [--backend heap|rocksdb] [--events 100000]
 * }</pre>
 *
 * <p>{@code DIR} defaults to the working directory. Bytes are the backend's figures: on the heap the
 * serialized size at the last checkpoint scaled by entries, on RocksDB its live-data estimate plus
 * memtables (see the state-api README). RocksDB's figures are estimates that count overwritten and
 * deleted keys until a compaction; with a state this small its memtables never fill, so on RocksDB the
 * example flushes and compacts before each checkpoint, as RocksDB would on its own with more data.
 * Exit code 0 if the state with TTL ends smaller than without.
 */
public final class MonitorState {

  /** Checkpoints per run. */
  public static final int CHECKPOINTS = 10;
  /** The TTL of the run with TTL. */
  public static final Duration TTL = Duration.ofSeconds(1);
  /** The CSV's header line. */
  public static final String CSV_HEADER = "ttl,checkpoint,events,entries,state_bytes,checkpoint_bytes";

  private MonitorState() {}

  /** One row: the figures after one checkpoint. */
  record Sample(boolean ttl, long checkpointId, long events, long entries, long stateBytes, long checkpointBytes) {
    String csv() {
      return (ttl ? "on" : "off") + "," + checkpointId + "," + events + "," + entries + "," + stateBytes + ","
          + checkpointBytes;
    }
  }

  public static int main(String[] args) throws Exception {
    return run(args, System.out);
  }

  /** Runs the example, printing to {@code out}; returns the exit code. */
  public static int run(String[] args, PrintStream out) throws IOException {
    Path outDir;
    String kind;
    long events;
    try {
      Map<String, String> options = Demo.options(args, List.of("out", "backend", "events"));
      outDir = Path.of(options.getOrDefault("out", "."));
      List<String> kinds = Demo.backends(options, "heap");
      if (kinds.size() != 1) {
        throw new IllegalArgumentException("--backend must be heap or rocksdb");
      }
      kind = kinds.get(0);
      events = Demo.positive(options, "events", 100_000);
      if (events < CHECKPOINTS) {
        throw new IllegalArgumentException("--events must be at least " + CHECKPOINTS);
      }
    } catch (IllegalArgumentException e) {
      out.println("monitor-state: " + e.getMessage());
      out.println("usage: monitor-state [--out DIR] [--backend heap|rocksdb] [--events N]");
      return 2;
    }
    System.setProperty("java.awt.headless", "true"); // draws without a display
    Files.createDirectories(outDir);
    Path directory = Demo.temporaryDirectory("monitor-state");
    List<Sample> samples = new ArrayList<>();
    try {
      out.printf(Locale.ROOT, "%,d visits on the %s backend, a checkpoint every %,d; figures from CairnMetrics after each:%n",
          events, kind, events / CHECKPOINTS);
      out.printf(Locale.ROOT, "%-4s %10s %10s %10s %14s %18s%n", "TTL", "checkpoint", "events", "entries", "state bytes",
          "checkpoint bytes");
      for (boolean ttl : new boolean[] {false, true}) {
        samples.addAll(runOnce(kind, ttl, events, directory.resolve(ttl ? "ttl" : "plain"), out));
      }
    } finally {
      Demo.deleteRecursively(directory);
    }
    Path csv = outDir.resolve("state-size.csv");
    List<String> lines = new ArrayList<>();
    lines.add(CSV_HEADER);
    samples.forEach(s -> lines.add(s.csv()));
    Files.write(csv, lines, StandardCharsets.UTF_8);
    Path png = outDir.resolve("state-size.png");
    ChartUtils.saveChartAsPNG(png.toFile(), chart(samples, kind), 900, 600);
    out.println("wrote " + csv + " (" + samples.size() + " rows) and " + png);
    Sample lastPlain = samples.get(CHECKPOINTS - 1);
    Sample lastTtl = samples.get(samples.size() - 1);
    boolean bounded = lastTtl.entries() < lastPlain.entries();
    out.printf(Locale.ROOT, "after the last checkpoint: %,d entries without TTL, %,d with TTL%s%n",
        lastPlain.entries(), lastTtl.entries(), bounded ? "" : " -- TTL did NOT keep state smaller");
    return bounded ? 0 : 1;
  }

  /** Runs the stream once, checkpointing every tenth of it; returns the figures after each checkpoint. */
  private static List<Sample> runOnce(String kind, boolean ttl, long events, Path directory, PrintStream out) {
    long[] now = {0};
    InstantSource clock = () -> Instant.ofEpochMilli(now[0]);
    ValueStateDescriptor<Long> visits = StateDescriptors.value("visits", Serializers.LONG, 0L);
    if (ttl) {
      visits = visits.withTtl(TtlConfig.builder(TTL).build());
    }
    List<Sample> samples = new ArrayList<>();
    KeyedStateBackend<String> inner = Demo.backend(kind, Serializers.STRING, directory);
    try (KeyedStateBackend<String> backend = ttl ? TtlStateBackend.wrap(inner, clock) : inner;
        CheckpointCoordinator coordinator = CheckpointCoordinator.builder(directory.resolve("checkpoints")).build()) {
      CheckpointParticipant task = coordinator.register(backend, new OperatorStateStore());
      ValueState<Long> count = backend.getState(visits);
      CairnMetrics metrics = CairnMetrics.of(ttl ? "monitor-state-ttl" : "monitor-state", coordinator);
      String backendName = CairnMetrics.backendName(task.index());
      coordinator.start();
      long step = events / CHECKPOINTS;
      for (long i = 0; i < events; i++) {
        now[0] = i; // event time: one visit per millisecond
        backend.setCurrentKey(TtlBounded.user(i));
        count.update(count.value() + 1);
        if ((i + 1) % step == 0 && samples.size() < CHECKPOINTS) {
          if (kind.equals("rocksdb")) {
            // what RocksDB does by itself once its memtables fill: without it, its estimates count
            // overwritten and deleted keys (the TTL cleanup's deletes) until a compaction
            RocksDbStateBackend.flushAndCompact(inner);
          }
          task.checkpointNow().join(); // on the task thread: triggers and takes its part at once
          CheckpointStats last = metrics.checkpoints().lastCompleted();
          BackendMetrics figures = metrics.backends().get(backendName);
          Sample sample = new Sample(ttl, last.checkpointId(), i + 1, figures.totalEntries(), figures.totalBytes(),
              last.sizeBytes());
          samples.add(sample);
          out.printf(Locale.ROOT, "%-4s %10d %,10d %,10d %,14d %,18d%n", ttl ? "on" : "off", sample.checkpointId(),
              sample.events(), sample.entries(), sample.stateBytes(), sample.checkpointBytes());
        }
      }
    }
    return samples;
  }

  /** Entries (top) and bytes (bottom) per checkpoint, one line each for TTL off and on. */
  static JFreeChart chart(List<Sample> samples, String kind) {
    XYSeriesCollection entries = new XYSeriesCollection();
    XYSeriesCollection bytes = new XYSeriesCollection();
    for (boolean ttl : new boolean[] {false, true}) {
      String label = ttl ? "TTL " + TTL.toMillis() + " ms" : "no TTL";
      XYSeries entrySeries = new XYSeries("entries, " + label);
      XYSeries stateBytes = new XYSeries("state bytes, " + label);
      XYSeries checkpointBytes = new XYSeries("checkpoint bytes, " + label);
      for (Sample s : samples) {
        if (s.ttl() == ttl) {
          entrySeries.add(s.checkpointId(), s.entries());
          stateBytes.add(s.checkpointId(), s.stateBytes());
          checkpointBytes.add(s.checkpointId(), s.checkpointBytes());
        }
      }
      entries.addSeries(entrySeries);
      bytes.addSeries(stateBytes);
      bytes.addSeries(checkpointBytes);
    }
    NumberAxis checkpoint = new NumberAxis("checkpoint");
    checkpoint.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(checkpoint);
    plot.add(subplot(entries, "entries", new Color[] {new Color(0xD6, 0x27, 0x28), new Color(0x1F, 0x77, 0xB4)}), 1);
    plot.add(subplot(bytes, "bytes", new Color[] {
        new Color(0xD6, 0x27, 0x28), new Color(0xFF, 0x98, 0x96), new Color(0x1F, 0x77, 0xB4), new Color(0xAE, 0xC7, 0xE8)}), 1);
    JFreeChart chart = new JFreeChart("Cairn state size per checkpoint (" + kind + " backend), TTL off and on",
        JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static XYPlot subplot(XYSeriesCollection data, String label, Color[] colors) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < colors.length; i++) {
      renderer.setSeriesPaint(i, colors[i]);
      boolean checkpointBytes = colors.length == 4 && i % 2 == 1; // dashed, next to the state's bytes
      renderer.setSeriesStroke(i, checkpointBytes
          ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
          : new BasicStroke(2f));
    }
    NumberAxis axis = new NumberAxis(label);
    axis.setAutoRangeIncludesZero(true);
    XYPlot plot = new XYPlot(data, null, axis, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return plot;
  }
}
