package dev.cairn.checkpoint;

import static dev.cairn.checkpoint.CheckpointCoordinatorTest.checkpoint;
import static dev.cairn.checkpoint.CheckpointCoordinatorTest.drive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.checkpoint.metrics.CairnMeterBinder;
import dev.cairn.checkpoint.metrics.CairnMetrics;
import dev.cairn.checkpoint.metrics.MBeanRegistration;
import dev.cairn.checkpoint.storage.FaultInjectingFileLayer;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.MapState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.rocksdb.RocksDbStateBackend;
import dev.cairn.state.serde.Serializers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint figures and their outlets: the coordinator's snapshot, JMX and Micrometer. */
class CheckpointMetricsTest {

  private static final int KEYS = 1_000;

  @TempDir Path dir;

  private final FaultInjectingFileLayer faulty = new FaultInjectingFileLayer();
  private final List<CheckpointStats> heard = new CopyOnWriteArrayList<>();

  private CheckpointCoordinator coordinator() {
    return CheckpointCoordinator.builder(dir)
        .fileLayer(faulty)
        .tolerableConsecutiveFailures(10)
        .listener(new CheckpointListener() {
          @Override
          public void onCheckpointStats(CheckpointStats stats) {
            heard.add(stats);
          }
        })
        .build();
  }

  /** Puts {@code KEYS} keys into a value state and two entries per key into a map state. */
  private static void fill(KeyedStateBackend<Long> backend) {
    ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG));
    MapState<String, Long> map = backend.getState(StateDescriptors.map("map", Serializers.STRING, Serializers.LONG));
    for (long key = 0; key < KEYS; key++) {
      backend.setCurrentKey(key);
      count.update(key);
      map.put("a", key);
      map.put("b", key);
    }
  }

  @Test
  void metrics_afterCheckpointsAndAnInjectedFailure_countBothAndKeepTheCause() throws Exception {
    try (KeyedStateBackend<Long> backend = HeapStateBackend.builder(Serializers.LONG).build();
        CheckpointCoordinator coordinator = coordinator()) {
      List<CheckpointParticipant> tasks = List.of(coordinator.register(backend, new OperatorStateStore()));
      assertThat(coordinator.metrics().completed()).isZero();
      assertThat(coordinator.metrics().lastCompleted()).isNull();
      fill(backend);
      long id = checkpoint(coordinator, tasks).checkpointId();
      faulty.diskFull(true);
      assertThatThrownBy(() -> drive(coordinator.triggerCheckpoint(), tasks)).isInstanceOf(CompletionException.class);
      faulty.diskFull(false);

      CheckpointMetrics metrics = coordinator.metrics();
      assertThat(metrics.completed()).isEqualTo(1);
      assertThat(metrics.failed()).isEqualTo(1);
      assertThat(metrics.consecutiveFailures()).isEqualTo(1);
      CheckpointStats last = metrics.lastCompleted();
      assertThat(last.checkpointId()).isEqualTo(id);
      assertThat(last.sizeBytes()).isGreaterThan(KEYS * 8L); // at least one long per key
      assertThat(last.safePointDelays()).hasSize(1);
      assertThat(last.safePointDelays().get(0)).isPositive().isLessThanOrEqualTo(last.totalDuration());
      assertThat(metrics.lastFailed().failureCause()).isNotNull();
      assertThat(metrics.lastFailed().checkpointId()).isEqualTo(id + 1);

      checkpoint(coordinator, tasks);
      assertThat(coordinator.metrics().consecutiveFailures()).isZero();
      assertThat(coordinator.metrics().completed()).isEqualTo(2);
      awaitHeard(3);
      assertThat(heard.get(0)).isEqualTo(last); // the listener and the snapshot see the same figures
    }
  }

  @Test
  void safePointDelay_ofATaskThreadThatComesLate_isAtLeastItsLateness() throws Exception {
    try (KeyedStateBackend<Long> backend = HeapStateBackend.builder(Serializers.LONG).build();
        CheckpointCoordinator coordinator = coordinator()) {
      CheckpointParticipant task = coordinator.register(backend, new OperatorStateStore());
      var future = coordinator.triggerCheckpoint();
      Thread.sleep(50);
      drive(future, List.of(task));
      assertThat(coordinator.metrics().lastCompleted().safePointDelays().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }
  }

  @Test
  void mbeans_areVisibleInThePlatformServer_andGoneAfterClose() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName checkpoints = new ObjectName("dev.cairn:type=Checkpoints,job=orders");
    ObjectName backendName = new ObjectName("dev.cairn:type=Backend,job=orders,backend=task-0");
    ObjectName count = new ObjectName("dev.cairn:type=State,job=orders,backend=task-0,state=count");
    ObjectName map = new ObjectName("dev.cairn:type=State,job=orders,backend=task-0,state=map");
    try (KeyedStateBackend<Long> backend = HeapStateBackend.builder(Serializers.LONG).build();
        CheckpointCoordinator coordinator = coordinator()) {
      List<CheckpointParticipant> tasks = List.of(coordinator.register(backend, new OperatorStateStore()));
      fill(backend);
      long id = checkpoint(coordinator, tasks).checkpointId();
      try (MBeanRegistration mbeans = CairnMetrics.of("orders", coordinator).registerMBeans()) {
        assertThat(mbeans.names()).containsExactly(checkpoints, backendName, count, map);
        assertThat(server.getAttribute(checkpoints, "Completed")).isEqualTo(1L);
        assertThat(server.getAttribute(checkpoints, "LastCheckpointId")).isEqualTo(id);
        assertThat((Long) server.getAttribute(checkpoints, "LastSizeBytes"))
            .isEqualTo(coordinator.metrics().lastCompleted().sizeBytes());
        assertThat(server.getAttribute(checkpoints, "LastFailureCause")).isEqualTo("");
        assertThat(server.getAttribute(count, "Entries")).isEqualTo((long) KEYS);
        assertThat(server.getAttribute(count, "Kind")).isEqualTo("VALUE");
        assertThat((Long) server.getAttribute(count, "Bytes")).isPositive();
        assertThat(server.getAttribute(map, "Entries")).isEqualTo((long) KEYS); // keys with state on the heap
        assertThat(server.getAttribute(backendName, "Kind")).isEqualTo("heap");
        assertThat(server.getAttribute(backendName, "Entries")).isEqualTo(2L * KEYS);
        assertThat(server.getAttribute(backendName, "MemoryBudgetBytes")).isEqualTo(-1L);
      }
      assertThat(server.isRegistered(checkpoints)).isFalse();
      assertThat(server.isRegistered(backendName)).isFalse();
      assertThat(server.isRegistered(count)).isFalse();
      assertThat(server.queryNames(new ObjectName("dev.cairn:*"), null)).isEmpty();
    }
  }

  @Test
  void mbeans_ofTheSameJobTwice_areRefusedNamingTheJob() {
    try (KeyedStateBackend<Long> backend = HeapStateBackend.builder(Serializers.LONG).build();
        CheckpointCoordinator coordinator = coordinator()) {
      coordinator.register(backend, new OperatorStateStore());
      CairnMetrics metrics = CairnMetrics.of("twice", coordinator);
      try (MBeanRegistration first = metrics.registerMBeans()) {
        assertThatThrownBy(metrics::registerMBeans).isInstanceOf(IllegalStateException.class).hasMessageContaining("'twice'");
        assertThat(first.names()).allMatch(ManagementFactory.getPlatformMBeanServer()::isRegistered);
      }
    }
  }

  @Test
  void mbeans_ofStatesRegisteredAfterThem_appearAtRefreshAndAtTheNextReadASecondLater() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName backendName = new ObjectName("dev.cairn:type=Backend,job=late,backend=task-0");
    ObjectName count = new ObjectName("dev.cairn:type=State,job=late,backend=task-0,state=count");
    ObjectName map = new ObjectName("dev.cairn:type=State,job=late,backend=task-0,state=map");
    ObjectName later = new ObjectName("dev.cairn:type=State,job=late,backend=task-0,state=later");
    try (KeyedStateBackend<Long> backend = HeapStateBackend.builder(Serializers.LONG).build();
        CheckpointCoordinator coordinator = coordinator()) {
      coordinator.register(backend, new OperatorStateStore());
      MBeanRegistration mbeans = CairnMetrics.of("late", coordinator).registerMBeans();
      try (mbeans) {
        assertThat(server.isRegistered(count)).isFalse();
        fill(backend); // registers "count" and "map" after the MBeans
        assertThat(mbeans.refresh()).containsExactly(count, map);
        assertThat(mbeans.refresh()).isEmpty();
        assertThat(server.getAttribute(count, "Entries")).isEqualTo((long) KEYS);

        ValueState<Long> late = backend.getState(StateDescriptors.value("later", Serializers.LONG));
        backend.setCurrentKey(7L);
        late.update(7L);
        assertThat(server.isRegistered(later)).isFalse();
        Thread.sleep(1_100);
        server.getAttribute(backendName, "Entries"); // the first read a second later looks
        assertThat(server.isRegistered(later)).isTrue();
        assertThat(mbeans.names()).endsWith(count, map, later);
      }
      assertThat(server.isRegistered(later)).isFalse();
      assertThat(server.isRegistered(count)).isFalse();
      assertThat(mbeans.refresh()).as("after close").isEmpty();
      assertThat(server.isRegistered(count)).isFalse();
    }
  }

  @Test
  void meterBinder_withSimpleMeterRegistry_reportsCheckpointAndRocksDbStateFigures() throws Exception {
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).memoryBudget(64L << 20).build();
        CheckpointCoordinator coordinator = coordinator()) {
      List<CheckpointParticipant> tasks = List.of(coordinator.register(backend, new OperatorStateStore()));
      fill(backend);
      checkpoint(coordinator, tasks);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      new CairnMeterBinder(CairnMetrics.of("orders", coordinator)).bindTo(registry);

      assertThat(registry.get("cairn.checkpoints.completed").tag("job", "orders").functionCounter().count()).isEqualTo(1);
      assertThat(registry.get("cairn.checkpoints.failed").functionCounter().count()).isZero();
      assertThat(registry.get("cairn.checkpoint.size").gauge().value())
          .isEqualTo(coordinator.metrics().lastCompleted().sizeBytes());
      // a time gauge holds seconds as a double: nanoseconds come back within a rounding error
      assertThat(registry.get("cairn.checkpoint.duration").timeGauge().value(TimeUnit.NANOSECONDS))
          .isCloseTo(coordinator.metrics().lastCompleted().totalDuration().toNanos(), within(1.0));
      assertThat(registry.get("cairn.checkpoint.safepoint.delay").tag("backend", "task-0").timeGauge()
          .value(TimeUnit.NANOSECONDS)).isPositive();
      // RocksDB: a row per value and per map entry, counted by estimate-num-keys
      assertThat(registry.get("cairn.state.entries").tag("state", "count").gauge().value()).isEqualTo(KEYS);
      assertThat(registry.get("cairn.state.entries").tag("state", "map").gauge().value()).isEqualTo(2 * KEYS);
      assertThat(registry.get("cairn.state.bytes").tag("state", "count").gauge().value()).isPositive();
      assertThat(registry.get("cairn.backend.memory.budget").gauge().value()).isEqualTo(64L << 20);
      assertThat(registry.get("cairn.backend.memory.used").gauge().value()).isPositive();
      assertThat(registry.get("cairn.backend.write.stalls").functionCounter().count()).isZero();
    }
  }

  private void awaitHeard(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (heard.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(heard).hasSizeGreaterThanOrEqualTo(count);
  }
}
