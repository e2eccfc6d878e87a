package dev.cairn.state.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.BackendClosedException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.kit.StreamOnlyOutput;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.SnapshotOutput;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.InterruptedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Copy-on-write snapshots of the heap backend: each shows exactly the state at its synchronous part. */
class HeapSnapshotTest {

  private final ExecutorService writerThread = Executors.newSingleThreadExecutor();
  private final KeyedStateBackend<Long> backend = AllKindsFixture.newBackend();
  private final AllKindsFixture states = new AllKindsFixture(backend);
  private final Random random = new Random(42);

  @AfterEach
  void tearDown() throws InterruptedException {
    backend.close();
    writerThread.shutdownNow();
    assertThat(writerThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void writeTo_afterEveryKindMutatedAndWhileMutating_writesStateAtSnapshot() throws Exception {
    states.fill(300);
    StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1);
    Map<String, Map<Long, Object>> atSnapshot = AllKindsFixture.dump(backend);
    for (int i = 0; i < 3000; i++) {
      states.mutate(random, 400);
    }
    assertThat(AllKindsFixture.dump(backend)).isNotEqualTo(atSnapshot);

    MemorySnapshotStore store = new MemorySnapshotStore("chk-1");
    Future<SnapshotResult> written = writerThread.submit(() -> snapshot.writeTo(store));
    int mutations = 0;
    while (!written.isDone() || mutations < 3000) {
      states.mutate(random, 400);
      mutations++;
    }
    SnapshotResult result = written.get();
    snapshot.close();

    assertThat(result.streamNames()).containsExactly(KeyedSnapshotFormat.STREAM_NAME);
    assertThat(result.states()).hasSize(AllKindsFixture.DESCRIPTORS.size());
    try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(store.input())) {
      assertThat(AllKindsFixture.dump(restored)).isEqualTo(atSnapshot);
    }
  }

  @Test
  void writeTo_twoOverlappingSnapshots_eachWritesItsOwnState() {
    states.fill(100);
    StateSnapshot first = Snapshotable.of(backend).snapshot(1);
    Map<String, Map<Long, Object>> atFirst = AllKindsFixture.dump(backend);
    mutate(1000);
    StateSnapshot second = Snapshotable.of(backend).snapshot(2);
    Map<String, Map<Long, Object>> atSecond = AllKindsFixture.dump(backend);
    mutate(1000);

    MemorySnapshotStore secondStore = AllKindsFixture.write(second, "chk-2");
    mutate(1000);
    MemorySnapshotStore firstStore = AllKindsFixture.write(first, "chk-1");

    assertThat(atSecond).isNotEqualTo(atFirst);
    try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(firstStore.input())) {
      assertThat(AllKindsFixture.dump(restored)).isEqualTo(atFirst);
    }
    try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(secondStore.input())) {
      assertThat(AllKindsFixture.dump(restored)).isEqualTo(atSecond);
    }
  }

  @Test
  void mutate_whileSnapshotOpen_copiesSharedContainers_andAfterAllClosed_changesThemInPlace() {
    backend.setCurrentKey(7L);
    states.list.add(1L);
    StateSnapshot first = Snapshotable.of(backend).snapshot(1);
    StateSnapshot second = Snapshotable.of(backend).snapshot(2);

    Object shared = listContainerOf7();
    states.list.add(2L);
    Object copied = listContainerOf7();
    assertThat(copied).isNotSameAs(shared);
    states.list.add(3L);
    assertThat(listContainerOf7()).as("a container made after the last snapshot is changed in place").isSameAs(copied);

    second.close();
    first.close();
    states.list.add(4L);
    assertThat(listContainerOf7()).isSameAs(copied);
    assertThat(states.list.get()).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void snapshot_afterEarlierSnapshotsClosedAndInPlaceMutations_showsStateAtItsOwnPoint() {
    states.fill(100);
    Map<String, Map<Long, Object>> atFirst = AllKindsFixture.dump(backend);
    StateSnapshot first = Snapshotable.of(backend).snapshot(1);
    mutate(500);
    MemorySnapshotStore firstStore = AllKindsFixture.write(first, "chk-1");
    mutate(500); // no snapshot open: in place
    Map<String, Map<Long, Object>> atSecond = AllKindsFixture.dump(backend);
    StateSnapshot second = Snapshotable.of(backend).snapshot(2);
    mutate(500);
    MemorySnapshotStore secondStore = AllKindsFixture.write(second, "chk-2");

    try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(firstStore.input())) {
      assertThat(AllKindsFixture.dump(restored)).isEqualTo(atFirst);
    }
    try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(secondStore.input())) {
      assertThat(AllKindsFixture.dump(restored)).isEqualTo(atSecond);
    }
  }

  @Test
  void iteratorRemove_ofMapFrozenByLaterSnapshot_leavesSnapshotIntactAndRemovesFromState() {
    backend.setCurrentKey(1L);
    for (long i = 0; i < 10; i++) {
      states.map.put("k" + i, i);
    }
    Map<String, Map<Long, Object>> atSnapshot;
    StateSnapshot snapshot;
    Iterator<Map.Entry<String, Long>> iterator = states.map.iterator();
    iterator.next();
    iterator.remove(); // in place: no snapshot yet
    atSnapshot = AllKindsFixture.dump(backend);
    snapshot = Snapshotable.of(backend).snapshot(1);
    int seen = 1;
    while (iterator.hasNext()) {
      iterator.next();
      iterator.remove();
      seen++;
    }

    assertThat(seen).isEqualTo(10);
    assertThat(states.map.isEmpty()).isTrue();
    assertThat(backend.keys(AllKindsFixture.MAP.name())).isEmpty();
    MemorySnapshotStore store = AllKindsFixture.write(snapshot, "chk-1");
    try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(store.input())) {
      Map<String, Map<Long, Object>> dump = AllKindsFixture.dump(restored);
      assertThat(dump).isEqualTo(atSnapshot);
      assertThat((Map<?, ?>) dump.get("map").get(1L)).hasSize(9);
    }
  }

  @Test
  void close_whileWriteInProgress_keepsStateFrozenUntilWriteEnds() throws Exception {
    states.fill(3000); // several 64 KiB chunks, so the write blocks with most entries still unwritten
    Map<String, Map<Long, Object>> atSnapshot = AllKindsFixture.dump(backend);
    StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1);
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    MemorySnapshotStore store = new MemorySnapshotStore("chk-1");
    SnapshotOutput blocking = new StreamOnlyOutput() {
      @Override
      public OutputStream createStream(String name) {
        return new FilterOutputStream(store.createStream(name)) {
          @Override
          public void write(byte[] bytes, int offset, int length) throws IOException {
            writing.countDown();
            awaitQuietly(resume);
            out.write(bytes, offset, length);
          }
        };
      }
    };
    Future<SnapshotResult> written = writerThread.submit(() -> snapshot.writeTo(blocking));
    assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();

    snapshot.close();
    mutate(3000);
    resume.countDown();
    written.get();

    try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(store.input())) {
      assertThat(AllKindsFixture.dump(restored)).isEqualTo(atSnapshot);
    }
  }

  @Test
  void writeTo_afterBackendClosed_writesFrozenState() {
    states.fill(20);
    Map<String, Map<Long, Object>> atSnapshot = AllKindsFixture.dump(backend);
    StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1);
    backend.close();

    assertThatThrownBy(() -> Snapshotable.of(backend).snapshot(2)).isInstanceOf(BackendClosedException.class);
    MemorySnapshotStore store = AllKindsFixture.write(snapshot, "chk-1");
    assertThat(snapshot.checkpointId()).isEqualTo(1);
    try (KeyedStateBackend<Long> restored = AllKindsFixture.restored(store.input())) {
      assertThat(AllKindsFixture.dump(restored)).isEqualTo(atSnapshot);
    }
  }

  /** Returns the list object stored for key 7 (the current key) in the list state's table. */
  private Object listContainerOf7() {
    HeapState<?> list = (HeapState<?>) (Object) states.list;
    return list.table.groups[list.groupIndex()].get(7L);
  }

  private static void awaitQuietly(CountDownLatch latch) throws IOException {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IOException("not resumed in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
  }

  private void mutate(int count) {
    for (int i = 0; i < count; i++) {
      states.mutate(random, 130);
    }
  }
}
