package dev.cairn.state.rocksdb;

import static dev.cairn.state.rocksdb.IncrementalFixture.contents;
import static dev.cairn.state.rocksdb.IncrementalFixture.fill;
import static dev.cairn.state.rocksdb.IncrementalFixture.input;
import static dev.cairn.state.rocksdb.IncrementalFixture.referencedEntries;
import static dev.cairn.state.rocksdb.IncrementalFixture.sstEntries;
import static dev.cairn.state.rocksdb.IncrementalFixture.writeIncremental;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.BackendClosedException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ValueState;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.SnapshotOutput;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;

/** Incremental snapshots of the RocksDB backend: native files, shared and referenced after completion. */
class RocksDbIncrementalSnapshotTest {

  private final IncrementalFixture fixture = new IncrementalFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void incrementalSnapshot_restored_sameStateForAllKinds() throws IOException {
    KeyedStateBackend<Long> backend = fixture.backend();
    fill(backend, 0, 2_000);
    ValueState<String> value = backend.getState(IncrementalFixture.VALUE);
    for (long key = 0; key < 2_000; key += 7) {
      backend.setCurrentKey(key);
      value.clear();
    }
    MemorySnapshotStore store = new MemorySnapshotStore("chk-1");

    SnapshotResult result = writeIncremental(backend, 1, store);

    assertThat(result.format()).isEqualTo("rocksdb-native-v1");
    assertThat(result.entryCount()).isEqualTo(-1);
    assertThat(result.states()).extracting(s -> s.name())
        .containsExactly("value-state", "list-state", "map-state", "reducing-state", "aggregating-state");
    assertThat(result.streamNames()).containsExactlyInAnyOrderElementsOf(store.streamNames());
    // the small private files (CURRENT, MANIFEST, OPTIONS) go inline in the meta stream; no empty WAL
    assertThat(result.streamNames()).contains("cairn-meta")
        .allMatch(n -> n.equals("cairn-meta") || n.endsWith(".sst"));
    assertThat(NativeSnapshotMeta.read(input(store, false)).files)
        .filteredOn(f -> f.location() == NativeSnapshotMeta.Location.INLINE)
        .extracting(NativeSnapshotMeta.FileEntry::name)
        .contains("CURRENT").anyMatch(n -> n.startsWith("MANIFEST-")).noneMatch(n -> n.endsWith(".log"));
    assertThat(sstEntries(store)).isNotEmpty();
    KeyedStateBackend<Long> restored = fixture.backend();
    Snapshotable.of(restored).restore(List.of(input(store, false)));
    assertThat(contents(restored)).isEqualTo(contents(backend));
  }

  @Test
  void incrementalSnapshot_ofRestoredUnregisteredStates_carriesThem() {
    KeyedStateBackend<Long> backend = fixture.backend();
    fill(backend, 0, 500);
    MemorySnapshotStore first = new MemorySnapshotStore("chk-1");
    writeIncremental(backend, 1, first);
    KeyedStateBackend<Long> middle = fixture.backend();
    Snapshotable.of(middle).restore(List.of(input(first, false)));
    middle.getState(IncrementalFixture.VALUE); // the others stay restored but unregistered

    MemorySnapshotStore second = new MemorySnapshotStore("chk-2");
    SnapshotResult result = writeIncremental(middle, 2, second);

    assertThat(result.states()).hasSize(5);
    KeyedStateBackend<Long> last = fixture.backend();
    Snapshotable.of(last).restore(List.of(input(second, false)));
    assertThat(contents(last)).isEqualTo(contents(backend));
  }

  @Test
  void secondSnapshot_onePercentOfKeysChanged_writesUnderFivePercentAndRestoresLiveState() {
    KeyedStateBackend<Long> backend = fixture.backend();
    ValueState<String> value = backend.getState(IncrementalFixture.VALUE);
    String padding = "x".repeat(64);
    for (long key = 0; key < 100_000; key++) {
      backend.setCurrentKey(key);
      value.update(padding + key);
    }
    MemorySnapshotStore first = new MemorySnapshotStore("chk-1");
    writeIncremental(backend, 1, first);
    Snapshotable.of(backend).notifyCheckpointComplete(1);
    for (long key = 0; key < 100_000; key += 100) {
      backend.setCurrentKey(key);
      value.update("changed" + key);
    }
    Set<String> idsBefore = first.sharedFiles().ids();
    MemorySnapshotStore second = first.next("chk-2");

    writeIncremental(backend, 2, second);

    assertThat(second.bytesWritten()).isLessThanOrEqualTo(first.bytesWritten() / 20);
    assertThat(referencedEntries(second, idsBefore)).containsAll(sstEntries(first)).isNotEmpty();
    KeyedStateBackend<Long> restored = fixture.backend();
    Snapshotable.of(restored).restore(List.of(input(second, false)));
    ValueState<String> restoredValue = restored.getState(IncrementalFixture.VALUE);
    for (long key = 0; key < 100_000; key++) {
      backend.setCurrentKey(key);
      restored.setCurrentKey(key);
      assertThat(restoredValue.value()).isEqualTo(value.value());
    }
  }

  @Test
  void afterAnIncrementalSnapshot_writesReachRocksDbWithinTheDirtyBound_afterACanonicalOneTheyStayCached() throws IOException {
    KeyedStateBackend<Long> backend = fixture.backend();
    RocksDbKeyedBackend<Long> rocks = (RocksDbKeyedBackend<Long>) backend;
    ValueState<String> value = backend.getState(IncrementalFixture.VALUE);
    int writes = 3 * RocksDbKeyedBackend.MAX_DIRTY_WITH_INCREMENTAL_SNAPSHOTS;
    try (StateSnapshot canonical = Snapshotable.of(backend).snapshot(1, SnapshotMode.CANONICAL)) {
      canonical.writeTo(new MemorySnapshotStore("chk-1"));
    }
    for (long key = 0; key < writes; key++) {
      backend.setCurrentKey(key);
      value.update("v" + key);
    }
    assertThat(rocks.aggregatedLongProperty("rocksdb.num-entries-active-mem-table"))
        .as("full snapshots only: every write waits in the cache").isZero();

    writeIncremental(backend, 2, new MemorySnapshotStore("chk-2"));
    for (long key = 0; key < writes; key++) {
      backend.setCurrentKey(key);
      value.update("w" + key);
    }

    assertThat(rocks.aggregatedLongProperty("rocksdb.num-entries-active-mem-table"))
        .as("writes beyond the bound went to RocksDB").isGreaterThanOrEqualTo(writes - RocksDbKeyedBackend.MAX_DIRTY_WITH_INCREMENTAL_SNAPSHOTS);
    backend.setCurrentKey(7L);
    assertThat(value.value()).isEqualTo("w7");
  }

  @Test
  void nextSnapshot_afterPendingOrAbortedCheckpoint_storesFilesAnew() {
    KeyedStateBackend<Long> backend = fixture.backend();
    fill(backend, 0, 1_000);
    MemorySnapshotStore first = new MemorySnapshotStore("chk-1");
    writeIncremental(backend, 1, first); // pending: never completed

    MemorySnapshotStore second = first.next("chk-2");
    Set<String> idsBefore2 = first.sharedFiles().ids();
    writeIncremental(backend, 2, second);
    assertThat(referencedEntries(second, idsBefore2)).as("pending checkpoint's files").isEmpty();

    Snapshotable.of(backend).notifyCheckpointAborted(2);
    MemorySnapshotStore third = first.next("chk-3");
    Set<String> idsBefore3 = first.sharedFiles().ids();
    writeIncremental(backend, 3, third);
    assertThat(referencedEntries(third, idsBefore3)).as("aborted checkpoint's files").isEmpty();

    Snapshotable.of(backend).notifyCheckpointComplete(3);
    MemorySnapshotStore fourth = first.next("chk-4");
    Set<String> idsBefore4 = first.sharedFiles().ids();
    writeIncremental(backend, 4, fourth);
    assertThat(referencedEntries(fourth, idsBefore4)).containsExactlyInAnyOrderElementsOf(sstEntries(fourth));
    assertThat(fourth.input(NativeSnapshotMeta.FORMAT, true).sharedHandle(sstEntries(fourth).get(0)))
        .get()
        .isIn(sstEntries(third).stream()
            .map(name -> third.input(NativeSnapshotMeta.FORMAT, true).sharedHandle(name).orElseThrow())
            .toList());
  }

  @Test
  void nextSnapshot_abortNotifiedBeforeWriteEnds_neverReferencesItsFiles() throws IOException {
    KeyedStateBackend<Long> backend = fixture.backend();
    fill(backend, 0, 1_000);
    MemorySnapshotStore first = new MemorySnapshotStore("chk-1");
    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1, SnapshotMode.INCREMENTAL)) {
      Snapshotable.of(backend).notifyCheckpointAborted(1);
      snapshot.writeTo(first);
    }
    Snapshotable.of(backend).notifyCheckpointComplete(1); // a late, wrong completion is ignored too

    MemorySnapshotStore second = first.next("chk-2");
    Set<String> idsBefore = first.sharedFiles().ids();
    writeIncremental(backend, 2, second);

    assertThat(referencedEntries(second, idsBefore)).isEmpty();
  }

  @Test
  void snapshot_stateChangedAfterSynchronousPart_notInSnapshot() throws IOException {
    KeyedStateBackend<Long> backend = fixture.backend();
    ValueState<String> value = backend.getState(IncrementalFixture.VALUE);
    backend.setCurrentKey(1L);
    value.update("before");
    MemorySnapshotStore store = new MemorySnapshotStore("chk-1");
    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1, SnapshotMode.INCREMENTAL)) {
      value.update("after");
      backend.setCurrentKey(2L);
      value.update("new");
      ((RocksDbKeyedBackend<Long>) backend).flushAndCompact();
      snapshot.writeTo(store);
    }

    KeyedStateBackend<Long> restored = fixture.backend();
    Snapshotable.of(restored).restore(List.of(input(store, false)));
    ValueState<String> restoredValue = restored.getState(IncrementalFixture.VALUE);
    restored.setCurrentKey(1L);
    assertThat(restoredValue.value()).isEqualTo("before");
    restored.setCurrentKey(2L);
    assertThat(restoredValue.value()).isNull();
  }

  private static boolean fileDeletionsEnabled(KeyedStateBackend<Long> backend) throws RocksDBException {
    return ((RocksDbKeyedBackend<Long>) backend).db().getLongProperty("rocksdb.is-file-deletions-enabled") != 0;
  }

  @Test
  void writeTo_done_secondWriteRejected_fileDeletionsDisabledUntilClosed() throws Exception {
    KeyedStateBackend<Long> backend = fixture.backend();
    fill(backend, 0, 100);
    RocksDbIncrementalSnapshot snapshot =
        (RocksDbIncrementalSnapshot) Snapshotable.of(backend).snapshot(1, SnapshotMode.INCREMENTAL);
    assertThat(fileDeletionsEnabled(backend)).as("pinned by the snapshot").isFalse();

    snapshot.writeTo(new MemorySnapshotStore("chk-1"));

    assertThatThrownBy(() -> snapshot.writeTo(new MemorySnapshotStore("again")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("written already");
    assertThat(fileDeletionsEnabled(backend)).as("pinned until closed").isFalse();
    snapshot.close();
    assertThat(fileDeletionsEnabled(backend)).isTrue();
    snapshot.close();
    assertThat(fileDeletionsEnabled(backend)).as("released once").isTrue();
  }

  @Test
  void snapshot_compactionBeforeWriteTo_writesTheFilesAsOfTheSnapshotAndDeletesObsoleteOnesOnClose() throws Exception {
    KeyedStateBackend<Long> backend = fixture.backend();
    fill(backend, 0, 5_000);
    Map<String, Map<Long, Object>> atSnapshot = contents(backend);
    RocksDbIncrementalSnapshot snapshot =
        (RocksDbIncrementalSnapshot) Snapshotable.of(backend).snapshot(1, SnapshotMode.INCREMENTAL);
    fill(backend, 5_000, 10_000); // new entries; then compaction rewrites every file
    RocksDbStateBackend.flushAndCompact(backend);
    Path db = ((RocksDbKeyedBackend<Long>) backend).workingDirectory().resolve(WorkingDirectory.DB_DIR);
    long filesWhilePinned = countSst(db);
    MemorySnapshotStore store = new MemorySnapshotStore("chk-1");

    snapshot.writeTo(store);
    snapshot.close();

    assertThat(countSst(db)).as("obsolete files deleted once the snapshot is closed").isLessThan(filesWhilePinned);
    KeyedStateBackend<Long> restored = fixture.backend();
    Snapshotable.of(restored).restore(List.of(input(store, false)));
    assertThat(contents(restored)).isEqualTo(atSnapshot);
  }

  private static long countSst(Path directory) throws IOException {
    try (var files = java.nio.file.Files.list(directory)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".sst")).count();
    }
  }

  @Test
  void close_unwrittenSnapshot_fileDeletionsEnabledAndWriteRejected() throws Exception {
    KeyedStateBackend<Long> backend = fixture.backend();
    fill(backend, 0, 100);
    RocksDbIncrementalSnapshot snapshot =
        (RocksDbIncrementalSnapshot) Snapshotable.of(backend).snapshot(1, SnapshotMode.INCREMENTAL);

    snapshot.close();

    assertThat(fileDeletionsEnabled(backend)).isTrue();
    assertThatThrownBy(() -> snapshot.writeTo(new MemorySnapshotStore("chk-1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void close_backendWhileWriteToRuns_writerFailsWithBackendClosedAndFilesDeleted() throws Exception {
    KeyedStateBackend<Long> backend = fixture.backend();
    fill(backend, 0, 20_000);
    Path root = ((RocksDbKeyedBackend<Long>) backend).workingDirectory();
    RocksDbIncrementalSnapshot snapshot =
        (RocksDbIncrementalSnapshot) Snapshotable.of(backend).snapshot(5, SnapshotMode.INCREMENTAL);
    BlockingOutput output = new BlockingOutput(new MemorySnapshotStore("chk-5"));
    CompletableFuture<SnapshotResult> writing = CompletableFuture.supplyAsync(() -> {
      try {
        return snapshot.writeTo(output);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    assertThat(output.firstWrite.await(30, TimeUnit.SECONDS)).as("writer started").isTrue();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(backend::close);
    ResourceGuard guard = ((RocksDbKeyedBackend<Long>) backend).guard();
    while (!guard.isClosing()) {
      Thread.onSpinWait();
    }
    assertThat(closing).as("close waits for the writer's lease").isNotDone();
    output.proceed.countDown();

    closing.get(30, TimeUnit.SECONDS);
    assertThatThrownBy(() -> writing.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(BackendClosedException.class)
        .hasMessageContaining("snapshot 5");
    snapshot.close(); // the database is closed: nothing to release
    assertThat(root.resolve(WorkingDirectory.DB_DIR)).doesNotExist();
    assertThatThrownBy(() -> Snapshotable.of(backend).snapshot(6, SnapshotMode.INCREMENTAL))
        .isInstanceOf(BackendClosedException.class);
  }

  @Test
  void writeTo_afterBackendClosed_throwsBackendClosed() {
    KeyedStateBackend<Long> backend = fixture.backend();
    fill(backend, 0, 100);
    StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1, SnapshotMode.INCREMENTAL);

    backend.close();

    assertThatThrownBy(() -> snapshot.writeTo(new MemorySnapshotStore("chk-1")))
        .isInstanceOf(BackendClosedException.class);
    snapshot.close();
  }

  @Test
  void canonicalMode_unchanged_writesCanonicalStream() throws IOException {
    KeyedStateBackend<Long> backend = fixture.backend();
    fill(backend, 0, 100);
    MemorySnapshotStore store = new MemorySnapshotStore("savepoint");
    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1, SnapshotMode.CANONICAL)) {
      SnapshotResult result = snapshot.writeTo(store);
      assertThat(result.format()).isEqualTo("canonical");
      assertThat(result.entryCount()).isEqualTo(100L * 6);
    }
    assertThat(store.streamNames()).containsExactly("keyed-state");
  }

  /** Delegates to a store; blocks in the first shared file's content until {@link #proceed}. */
  private static final class BlockingOutput implements SnapshotOutput {
    final CountDownLatch firstWrite = new CountDownLatch(1);
    final CountDownLatch proceed = new CountDownLatch(1);
    private final MemorySnapshotStore store;

    BlockingOutput(MemorySnapshotStore store) {
      this.store = store;
    }

    @Override
    public OutputStream createStream(String name) throws IOException {
      return store.createStream(name);
    }

    @Override
    public SharedFileHandle writeShared(String name, ContentWriter content) throws IOException {
      return store.writeShared(name, out -> content.write(new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          firstWrite.countDown();
          try {
            if (!proceed.await(30, TimeUnit.SECONDS)) {
              throw new IOException("test never released the writer");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
          }
          out.write(b, off, len);
        }
      }));
    }

    @Override
    public void referenceShared(String name, SharedFileHandle handle) throws IOException {
      store.referenceShared(name, handle);
    }
  }
}
