package dev.cairn.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.cairn.state.BackendClosedException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Write stalls of the write-buffer manager shared through a {@link RocksDbMemory}: RocksDB flushes
 * only the memtables of the database that is writing, and while the memtables of all backends are over
 * the manager's limit every writer of every backend waits. A backend that holds that memory and then
 * stays idle must not block the others forever.
 *
 * <p>Real RocksDB, no mocks. A write that does not finish in time fails the test instead of hanging
 * it: the writes run on a second thread, and on a timeout the test flushes the idle backend itself so
 * that the stuck native call returns before the backends are closed.
 */
class RocksDbWriteStallTest {

  private static final long BUDGET = 16L << 20; // write-buffer manager limit: 16 MiB / 3 = 5.3 MiB
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private TestDirectories directories;
  private RocksDbMemory memory;
  private final List<KeyedStateBackend<Long>> backends = new ArrayList<>();
  private final ExecutorService writer = Executors.newSingleThreadExecutor();
  private final AtomicBoolean stop = new AtomicBoolean();

  @BeforeEach
  void setUp() {
    directories = new TestDirectories("cairn-stall-");
    memory = RocksDbMemory.create(BUDGET);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    writer.shutdownNow();
    if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
      return; // a writer is stuck in RocksDB: closing its backend under it could crash the JVM
    }
    backends.forEach(KeyedStateBackend::close);
    memory.close();
    directories.close();
  }

  @Test
  void write_idleBackendHoldsTheSharedWriteBuffers_completes() {
    KeyedStateBackend<Long> idle = backend();
    KeyedStateBackend<Long> busy = backend();
    fillPastWriteBufferLimit(idle);

    runWithin(TIMEOUT, () -> writeValues(busy, 4, 4_000, 1024), idle); // 16 MiB, three times the limit

    runWithin(TIMEOUT, () -> assertLastValueWritten(busy), null);
    assertThat(RocksDbStateBackend.aggregatedLongProperty(idle, "rocksdb.num-entries-active-mem-table"))
        .as("entries left in the memtables of the idle backend's five states")
        .isZero();
  }

  @Test
  void restore_idleBackendHoldsTheSharedWriteBuffers_completes() throws IOException {
    MemorySnapshotStore store = new MemorySnapshotStore();
    try (KeyedStateBackend<Long> source = RocksDbStateBackend.builder(Serializers.LONG)
        .workingDirectory(directories.next())
        .writeBackCache(0) // every write reaches the memtables at once
        .build()) {
      writeValues(source, 2, 6_000, 1024); // 12 MiB: three restore batches of 4 MiB
      try (StateSnapshot snapshot = Snapshotable.of(source).snapshot(1)) {
        snapshot.writeTo(store);
      }
    }
    KeyedStateBackend<Long> idle = backend();
    KeyedStateBackend<Long> restoring = backend();
    fillPastWriteBufferLimit(idle);

    runWithin(TIMEOUT, () -> Snapshotable.of(restoring).restore(List.of(store.input())), idle);

    restoring.setCurrentKey(5_999L);
    ValueState<byte[]> last = restoring.getState(StateDescriptors.value("state-1", Serializers.BYTES));
    assertThat(last.value()).hasSize(1024);
  }

  @Test
  void write_closedBackendStillListedForFlushes_skipsIt() {
    KeyedStateBackend<Long> closed = backend();
    writeValues(closed, 2, 100, 1024);
    closed.close();
    // as if a stalled writer had listed the backends just before this one started closing; without
    // the lease, its flush request would read the freed database handle and crash the JVM
    memory.addFlushable((RocksDbKeyedBackend<?>) closed);
    KeyedStateBackend<Long> idle = backend();
    KeyedStateBackend<Long> busy = backend();
    fillPastWriteBufferLimit(idle);

    try {
      runWithin(TIMEOUT, () -> writeValues(busy, 4, 4_000, 1024), idle);
    } finally {
      memory.removeFlushable((RocksDbKeyedBackend<?>) closed);
    }

    assertThatThrownBy(() -> closed.setCurrentKey(1L)).isInstanceOf(BackendClosedException.class);
    runWithin(TIMEOUT, () -> assertLastValueWritten(busy), null);
  }

  /** Checks the last value {@code writeValues(backend, 4, 4_000, 1024)} wrote; on the writer, which owns the backend. */
  private static void assertLastValueWritten(KeyedStateBackend<Long> backend) {
    backend.setCurrentKey(3_999L);
    assertThat(backend.getState(StateDescriptors.value("state-3", Serializers.BYTES)).value()).hasSize(1024);
  }

  @Test
  void write_otherBackendsFillAndCloseDuringStalls_completes() {
    KeyedStateBackend<Long> busy = backend();
    Future<?> writes = writer.submit(() -> writeValues(busy, 4, Integer.MAX_VALUE, 1024));
    for (int i = 0; i < 8 && !writes.isDone(); i++) {
      try (KeyedStateBackend<Long> other = RocksDbStateBackend.builder(Serializers.LONG)
          .workingDirectory(directories.next())
          .writeBackCache(0)
          .memory(memory)
          .build()) {
        fillWithBigValues(other); // stalls the busy backend, whose stall handling flushes this one
      }
    }
    stop.set(true);

    awaitWithin(TIMEOUT, writes, null);
  }

  private KeyedStateBackend<Long> backend() {
    KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG)
        .workingDirectory(directories.next())
        .writeBackCache(0) // every write reaches the memtables at once
        .memory(memory)
        .build();
    backends.add(backend);
    return backend;
  }

  /**
   * Fills memtables of {@code backend} past the manager's limit, then leaves it idle: four states get
   * a 900 KiB value (each memtable below its own flush size, all of them below the manager's flush
   * trigger at 7/8 of its limit), then a fifth one a 2 MiB value. No write finds the manager at its
   * limit, so none flushes or stalls; the last one takes the memtables past the limit, and the flush
   * of its oversized memtable is only scheduled for the backend's next write, which never comes.
   */
  private void fillPastWriteBufferLimit(KeyedStateBackend<Long> backend) {
    fillWithBigValues(backend);
    assertThat(RocksDbStateBackend.aggregatedLongProperty(backend, "rocksdb.size-all-mem-tables"))
        .as("memtables of the idle backend")
        .isGreaterThanOrEqualTo(memory.writeBufferBytes());
    assertThat(memory.writeBuffersMayBeFull()).as("pinned cache usage bounds the manager's usage").isTrue();
  }

  private static void fillWithBigValues(KeyedStateBackend<Long> backend) {
    Random random = new Random(7);
    backend.setCurrentKey(0L);
    for (int i = 0; i < 5; i++) {
      byte[] value = new byte[i < 4 ? 900 << 10 : 2 << 20];
      random.nextBytes(value);
      backend.getState(StateDescriptors.value("held-" + i, Serializers.BYTES)).update(value);
    }
  }

  /** Writes {@code keys} incompressible values of {@code valueSize} bytes into each of {@code states} states. */
  private void writeValues(KeyedStateBackend<Long> backend, int states, int keys, int valueSize) {
    List<ValueState<byte[]>> handles = new ArrayList<>();
    for (int i = 0; i < states; i++) {
      handles.add(backend.getState(StateDescriptors.value("state-" + i, Serializers.BYTES)));
    }
    Random random = new Random(42);
    byte[] value = new byte[valueSize];
    for (long key = 0; key < keys && !stop.get(); key++) {
      backend.setCurrentKey(key);
      for (ValueState<byte[]> state : handles) {
        random.nextBytes(value);
        state.update(value);
      }
    }
  }

  /** Runs {@code work} on the writer thread: see {@link #awaitWithin}. */
  private void runWithin(Duration timeout, Runnable work, KeyedStateBackend<Long> holder) {
    awaitWithin(timeout, writer.submit(work), holder);
  }

  /**
   * Fails if {@code done} does not finish within {@code timeout}. On a timeout, flushes {@code
   * holder} (if any: the idle backend whose memtables stall the writer) so that the stuck write
   * returns and the backends can be closed safely.
   */
  private void awaitWithin(Duration timeout, Future<?> done, KeyedStateBackend<Long> holder) {
    try {
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      stop.set(true);
      if (holder != null) {
        RocksDbStateBackend.flushAndCompact(holder);
      }
      fail("writes stalled for " + timeout + " while other backends held the shared write buffers");
    } catch (ExecutionException e) {
      throw new AssertionError("writes failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
