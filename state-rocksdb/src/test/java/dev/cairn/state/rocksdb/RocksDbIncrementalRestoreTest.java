package dev.cairn.state.rocksdb;

import static dev.cairn.state.rocksdb.IncrementalFixture.contents;
import static dev.cairn.state.rocksdb.IncrementalFixture.fill;
import static dev.cairn.state.rocksdb.IncrementalFixture.input;
import static dev.cairn.state.rocksdb.IncrementalFixture.referencedEntries;
import static dev.cairn.state.rocksdb.IncrementalFixture.restrict;
import static dev.cairn.state.rocksdb.IncrementalFixture.sstEntries;
import static dev.cairn.state.rocksdb.IncrementalFixture.writeIncremental;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.ValueState;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Restoring native RocksDB snapshots: placed files, claim and no-claim, rescaling, damage, atomicity. */
class RocksDbIncrementalRestoreTest {

  private static final int KEYS = 3_000;

  private final IncrementalFixture fixture = new IncrementalFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  private MemorySnapshotStore filledSnapshot(KeyedStateBackend<Long> backend, String description) {
    fill(backend, 0, KEYS);
    MemorySnapshotStore store = new MemorySnapshotStore(description);
    writeIncremental(backend, 1, store);
    return store;
  }

  private static MemorySnapshotStore canonicalSnapshot(KeyedStateBackend<Long> backend, String description) {
    MemorySnapshotStore store = new MemorySnapshotStore(description);
    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1)) {
      snapshot.writeTo(store);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return store;
  }

  /** Checks that the backend holds no state, registered or restored, without registering any. */
  private static void assertHoldsNothing(KeyedStateBackend<Long> backend) {
    SnapshotResult result;
    try (StateSnapshot snapshot = Snapshotable.of(backend).snapshot(99)) {
      result = snapshot.writeTo(new MemorySnapshotStore("check"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(result.states()).as("states held after a failed restore").isEmpty();
    assertThat(result.entryCount()).isZero();
  }

  private static SharedFileHandle handle(MemorySnapshotStore store, String name) {
    return input(store, true).sharedHandle(name).orElseThrow();
  }

  /** Per checkpoint: c complete, a abort, p left pending, f complete and fail over to a claimed restore. */
  private static final String OUTCOMES = "cpfacfpf";

  @Test
  void incrementalChain_randomChangesOutcomesAndClaimRestores_everyRestoreEqualsLiveState() {
    Random random = new Random(20261130);
    // what the live backend may reference: the files of its last completed checkpoint
    KeyedStateBackend<Long> live = fixture.backend();
    fill(live, 0, KEYS);
    MemorySnapshotStore chain = new MemorySnapshotStore("chk-0");
    int failovers = 0;
    List<SharedFileHandle> referenceable = List.of();
    for (long id = 1; id <= 8; id++) {
      for (int i = 0; i < 300; i++) {
        IncrementalFixture.mutate(live, random, KEYS);
      }
      MemorySnapshotStore store = chain.next("chk-" + id);
      Set<String> idsBefore = chain.sharedFiles().ids();
      writeIncremental(live, id, store);
      for (String name : referencedEntries(store, idsBefore)) {
        assertThat(handle(store, name)).as("checkpoint %d references %s", id, name).isIn(referenceable);
      }
      Map<String, Map<Long, Object>> expected = contents(live);
      char outcome = OUTCOMES.charAt((int) id - 1);
      if (outcome != 'a' && outcome != 'p') {
        Snapshotable.of(live).notifyCheckpointComplete(id);
        referenceable = sstEntries(store).stream().map(name -> handle(store, name)).toList();
      } else if (outcome == 'a') {
        Snapshotable.of(live).notifyCheckpointAborted(id);
      } // else: left pending

      boolean claim = outcome == 'f';
      KeyedStateBackend<Long> restored = fixture.backend();
      Snapshotable.of(restored).restore(List.of(input(store, claim)));
      assertThat(contents(restored)).as("checkpoint %d", id).isEqualTo(expected);
      if (claim) {
        live = restored; // the job fails over to the restored backend
        failovers++;
      }
    }
    assertThat(failovers).isEqualTo(3);
  }

  @Test
  void restore_sameKeyGroups_placesFilesInNewDatabaseDirectory() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-1");
    KeyedStateBackend<Long> restored = fixture.backend();
    RocksDbKeyedBackend<Long> rocks = (RocksDbKeyedBackend<Long>) restored;
    Path root = rocks.workingDirectory();

    Snapshotable.of(restored).restore(List.of(input(store, false)));

    assertThat(root.resolve(WorkingDirectory.DB_DIR)).as("the empty database's directory").doesNotExist();
    assertThat(root.resolve(WorkingDirectory.RESTORE_DIR)).isDirectory();
    assertThat(contents(restored)).isEqualTo(contents(source));
    // the placed database takes writes and snapshots like any other
    fill(restored, KEYS, KEYS + 100);
    fill(source, KEYS, KEYS + 100);
    MemorySnapshotStore next = new MemorySnapshotStore("chk-2");
    writeIncremental(restored, 2, next);
    KeyedStateBackend<Long> again = fixture.backend();
    Snapshotable.of(again).restore(List.of(input(next, false)));
    assertThat(contents(again)).isEqualTo(contents(source));
  }

  @Test
  void restore_claimMode_nextSnapshotReferencesRestoredFiles() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-1");
    KeyedStateBackend<Long> restored = fixture.backend();
    Snapshotable.of(restored).restore(List.of(input(store, true)));
    Set<String> idsBefore = store.sharedFiles().ids();
    MemorySnapshotStore next = store.next("chk-2");

    writeIncremental(restored, 2, next);

    assertThat(referencedEntries(next, idsBefore)).containsExactlyInAnyOrderElementsOf(sstEntries(store));
    assertThat(next.bytesWritten()).isLessThan(store.bytesWritten() / 4);
    KeyedStateBackend<Long> again = fixture.backend();
    Snapshotable.of(again).restore(List.of(input(next, false)));
    assertThat(contents(again)).isEqualTo(contents(source));
  }

  @Test
  void restore_noClaimMode_nextSnapshotStoresEverythingAnew() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-1");
    KeyedStateBackend<Long> restored = fixture.backend();
    Snapshotable.of(restored).restore(List.of(input(store, false)));
    Set<String> idsBefore = store.sharedFiles().ids();
    MemorySnapshotStore next = store.next("chk-2");

    writeIncremental(restored, 2, next);

    assertThat(referencedEntries(next, idsBefore)).isEmpty();
    assertThat(sstEntries(next)).isNotEmpty();
  }

  @Test
  void restore_rescaledToFourBackendsAndBackToOne_exact() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-1");
    Map<String, Map<Long, Object>> expected = contents(source);

    List<SnapshotInput> parts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      KeyGroupRange range = KeyGroupRange.forInstance(128, 4, i);
      KeyedStateBackend<Long> part = fixture.backend(range);
      Snapshotable.of(part).restore(List.of(input(store, true)));
      assertThat(contents(part)).as("instance %d of 4", i).isEqualTo(restrict(expected, range));
      MemorySnapshotStore partStore = new MemorySnapshotStore("part-" + i);
      writeIncremental(part, 2, partStore);
      parts.add(input(partStore, true));
    }
    KeyedStateBackend<Long> merged = fixture.backend();
    Snapshotable.of(merged).restore(parts);

    assertThat(contents(merged)).isEqualTo(expected);
  }

  @Test
  void restore_nativeAndCanonicalInputsOfHalves_exact() {
    KeyedStateBackend<Long> lower = fixture.backend(new KeyGroupRange(0, 63));
    MemorySnapshotStore lowerStore = filledSnapshot(lower, "lower");
    KeyedStateBackend<Long> upper = fixture.backend(new KeyGroupRange(64, 127));
    fill(upper, 0, KEYS);
    MemorySnapshotStore upperStore = canonicalSnapshot(upper, "upper");
    KeyedStateBackend<Long> whole = fixture.backend();
    fill(whole, 0, KEYS);

    KeyedStateBackend<Long> merged = fixture.backend();
    Snapshotable.of(merged).restore(List.of(input(lowerStore, false), upperStore.input()));

    assertThat(contents(merged)).isEqualTo(contents(whole));
  }

  @Test
  void restore_flippedByteInSst_throwsNamingEntryAndBackendHoldsNothingAndRestoresAgain() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-1");
    String sst = sstEntries(store).get(0);
    byte[] original = store.bytes(sst);
    byte[] damaged = original.clone();
    damaged[damaged.length / 2] ^= 0x40;
    store.put(sst, damaged);
    KeyedStateBackend<Long> restored = fixture.backend();

    assertThatThrownBy(() -> Snapshotable.of(restored).restore(List.of(input(store, false))))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("chk-1")
        .hasMessageContaining("'" + sst + "'")
        .hasMessageContaining("damaged");

    assertHoldsNothing(restored);
    store.put(sst, original);
    Snapshotable.of(restored).restore(List.of(input(store, false)));
    assertThat(contents(restored)).isEqualTo(contents(source));
  }

  @Test
  void restore_truncatedSst_throwsNamingEntryAndBackendHoldsNothing() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-1");
    String sst = sstEntries(store).get(0);
    byte[] original = store.bytes(sst);
    store.put(sst, Arrays.copyOf(original, original.length - 100));
    KeyedStateBackend<Long> restored = fixture.backend(new KeyGroupRange(0, 63)); // the copying path

    assertThatThrownBy(() -> Snapshotable.of(restored).restore(List.of(input(store, false))))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("chk-1")
        .hasMessageContaining("'" + sst + "'");

    assertHoldsNothing(restored);
  }

  @Test
  void restore_secondNativeInputDamaged_backendHoldsNothingAndRestoresAgain() {
    KeyedStateBackend<Long> lower = fixture.backend(new KeyGroupRange(0, 63));
    MemorySnapshotStore lowerStore = filledSnapshot(lower, "lower");
    KeyedStateBackend<Long> upper = fixture.backend(new KeyGroupRange(64, 127));
    MemorySnapshotStore upperStore = filledSnapshot(upper, "upper");
    String sst = sstEntries(upperStore).get(0);
    byte[] original = upperStore.bytes(sst);
    byte[] damaged = original.clone();
    damaged[10] ^= 1;
    upperStore.put(sst, damaged);
    KeyedStateBackend<Long> merged = fixture.backend();

    assertThatThrownBy(() -> Snapshotable.of(merged).restore(List.of(input(lowerStore, false), input(upperStore, false))))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("upper")
        .hasMessageContaining(sst);

    assertHoldsNothing(merged);
    upperStore.put(sst, original);
    Snapshotable.of(merged).restore(List.of(input(lowerStore, false), input(upperStore, false)));
    KeyedStateBackend<Long> whole = fixture.backend();
    fill(whole, 0, KEYS);
    assertThat(contents(merged)).isEqualTo(contents(whole));
  }

  @Test
  void restore_secondCanonicalInputDamaged_backendHoldsNothingAndRestoresAgain() {
    KeyedStateBackend<Long> lower = fixture.backend(new KeyGroupRange(0, 63));
    fill(lower, 0, KEYS);
    MemorySnapshotStore lowerStore = canonicalSnapshot(lower, "lower");
    KeyedStateBackend<Long> upper = fixture.backend(new KeyGroupRange(64, 127));
    fill(upper, 0, KEYS);
    MemorySnapshotStore upperStore = canonicalSnapshot(upper, "upper");
    byte[] original = upperStore.bytes("keyed-state");
    upperStore.put("keyed-state", Arrays.copyOf(original, original.length / 2));
    KeyedStateBackend<Long> merged = fixture.backend();

    assertThatThrownBy(() -> Snapshotable.of(merged).restore(List.of(lowerStore.input(), upperStore.input())))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("upper");

    assertHoldsNothing(merged);
    upperStore.put("keyed-state", original);
    Snapshotable.of(merged).restore(List.of(lowerStore.input(), upperStore.input()));
    KeyedStateBackend<Long> whole = fixture.backend();
    fill(whole, 0, KEYS);
    assertThat(contents(merged)).isEqualTo(contents(whole));
  }

  @Test
  void restore_unknownFormat_throwsNamingSnapshotAndFormat() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-7 in /checkpoints");
    KeyedStateBackend<Long> restored = fixture.backend();

    assertThatThrownBy(() -> Snapshotable.of(restored).restore(List.of(store.input("heap-incremental-v1", false))))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("chk-7 in /checkpoints")
        .hasMessageContaining("heap-incremental-v1");
    assertHoldsNothing(restored);
  }

  @Test
  void restore_missingMetaStream_throwsNamingSnapshotAndEntry() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-1");
    MemorySnapshotStore incomplete = new MemorySnapshotStore("chk-1-incomplete");
    for (String name : store.streamNames()) {
      if (!name.equals(NativeSnapshotMeta.STREAM_NAME)) {
        incomplete.put(name, store.bytes(name));
      }
    }
    KeyedStateBackend<Long> restored = fixture.backend();

    assertThatThrownBy(() -> Snapshotable.of(restored).restore(List.of(input(incomplete, false))))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("chk-1-incomplete")
        .hasMessageContaining("cairn-meta");
  }

  @Test
  void restore_badMagicOrVersion_throwsNamingSnapshotAndEntry() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-1");
    byte[] meta = store.bytes(NativeSnapshotMeta.STREAM_NAME);
    KeyedStateBackend<Long> restored = fixture.backend();

    byte[] badMagic = meta.clone();
    badMagic[0] ^= 0x7F;
    store.put(NativeSnapshotMeta.STREAM_NAME, badMagic);
    assertThatThrownBy(() -> Snapshotable.of(restored).restore(List.of(input(store, false))))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("chk-1")
        .hasMessageContaining("cairn-meta")
        .hasMessageContaining("magic");

    byte[] badVersion = meta.clone();
    badVersion[7] = 9;
    store.put(NativeSnapshotMeta.STREAM_NAME, badVersion);
    assertThatThrownBy(() -> Snapshotable.of(restored).restore(List.of(input(store, false))))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("chk-1")
        .hasMessageContaining("cairn-meta")
        .hasMessageContaining("version 9");

    store.put(NativeSnapshotMeta.STREAM_NAME, Arrays.copyOf(meta, meta.length - 3));
    assertThatThrownBy(() -> Snapshotable.of(restored).restore(List.of(input(store, false))))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("cairn-meta")
        .hasMessageContaining("damaged");
    assertHoldsNothing(restored);
  }

  @Test
  void restore_damagedInlineFile_throwsNamingSnapshotAndFile() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-1");
    NativeSnapshotMeta meta = NativeSnapshotMeta.read(input(store, false));
    List<NativeSnapshotMeta.FileEntry> files = new ArrayList<>();
    String damaged = null;
    for (NativeSnapshotMeta.FileEntry file : meta.files) {
      if (damaged == null && file.location() == NativeSnapshotMeta.Location.INLINE && file.name().startsWith("MANIFEST-")) {
        byte[] flipped = file.content().clone();
        flipped[flipped.length / 2] ^= 0x10;
        file = new NativeSnapshotMeta.FileEntry(file.name(), file.size(), file.crc32c(), file.location(), flipped);
        damaged = file.name();
      }
      files.add(file);
    }
    assertThat(damaged).as("the MANIFEST is stored inline").isNotNull();
    store.put(NativeSnapshotMeta.STREAM_NAME,
        new NativeSnapshotMeta(meta.maxParallelism, meta.keyGroupRange, meta.keySerializer, meta.states, files).toBytes());
    KeyedStateBackend<Long> restored = fixture.backend();

    assertThatThrownBy(() -> Snapshotable.of(restored).restore(List.of(input(store, false))))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("chk-1")
        .hasMessageContaining(damaged)
        .hasMessageContaining("damaged");
    assertHoldsNothing(restored);
  }

  /** Version 1 of the meta stream (before inline files) stored every file as an entry of its own. */
  @Test
  void restore_metaVersion1_withEveryFileAnEntry_restoresExactly() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-1");
    NativeSnapshotMeta meta = NativeSnapshotMeta.read(input(store, false));
    // the same header and states, version 1, then the v1 file list; inline files become entries
    byte[] head = new NativeSnapshotMeta(meta.maxParallelism, meta.keyGroupRange, meta.keySerializer, meta.states,
        List.of()).toBytes();
    DataOutputBuffer v1 = new DataOutputBuffer(1024);
    v1.writeBytes(Arrays.copyOf(head, head.length - 1)); // without the empty file list's count
    v1.writeVarInt(meta.files.size());
    for (NativeSnapshotMeta.FileEntry file : meta.files) {
      v1.writeString(file.name());
      v1.writeLong(file.size());
      v1.writeInt(file.crc32c());
      v1.writeBoolean(file.shared());
      if (file.location() == NativeSnapshotMeta.Location.INLINE) {
        store.put(file.name(), file.content());
      }
    }
    byte[] bytes = v1.toByteArray();
    bytes[7] = 1; // the version int follows the magic
    store.put(NativeSnapshotMeta.STREAM_NAME, bytes);
    KeyedStateBackend<Long> restored = fixture.backend();

    Snapshotable.of(restored).restore(List.of(input(store, false)));

    assertThat(contents(restored)).isEqualTo(contents(source));
  }

  @Test
  void restore_otherMaxParallelism_throwsNamingSnapshot() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-1");
    KeyedStateBackend<Long> restored = fixture.backend(Serializers.LONG, 256, KeyGroupRange.all(256));

    assertThatThrownBy(() -> Snapshotable.of(restored).restore(List.of(input(store, false))))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("chk-1")
        .hasMessageContaining("max parallelism 128");
  }

  @Test
  void restore_incompatibleKeySerializer_throwsAndBackendRestorable() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-1");
    KeyedStateBackend<String> restored = fixture.backend(Serializers.STRING, 128, KeyGroupRange.all(128));

    assertThatThrownBy(() -> Snapshotable.of(restored).restore(List.of(input(store, false))))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("chk-1")
        .hasMessageContaining("key serializer");

    Snapshotable.of(restored).restore(List.of());
    ValueState<String> value = restored.getState(IncrementalFixture.VALUE);
    restored.setCurrentKey("a");
    assertThat(value.value()).isNull();
  }

  @Test
  void restore_afterStateRegistered_throwsIllegalState() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-1");
    KeyedStateBackend<Long> restored = fixture.backend();
    restored.getState(IncrementalFixture.VALUE);

    assertThatThrownBy(() -> Snapshotable.of(restored).restore(List.of(input(store, false))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("value-state");
  }

  @Test
  void restore_thenRegisterWithOtherSerializer_throwsIncompatibleSchema() {
    KeyedStateBackend<Long> source = fixture.backend();
    MemorySnapshotStore store = filledSnapshot(source, "chk-1");
    KeyedStateBackend<Long> restored = fixture.backend();
    Snapshotable.of(restored).restore(List.of(input(store, false)));

    assertThatThrownBy(() -> restored.getState(
            dev.cairn.state.StateDescriptors.value(IncrementalFixture.VALUE.name(), Serializers.LONG)))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("value-state");
  }
}
