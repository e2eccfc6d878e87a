package dev.cairn.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.StateDescriptors;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.StateMetaInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.StringAppendOperator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The write-back cache alone, in front of a real RocksDB column family, against a {@code HashMap}
 * model: random reads, writes, deletes, appends and flushes of a few dozen keys through a cache that
 * holds a handful of them, with injected failures of the batch writes. After every operation a read
 * through the cache (or RocksDB on a miss) equals the model; a failed operation changes nothing; and
 * after a final flush RocksDB alone equals the model.
 */
class WriteBackCacheTest {

  private static final int KEYS = 40;

  private final TestDirectories directories = new TestDirectories("cairn-write-back-cache-");
  private final List<AutoCloseable> natives = new ArrayList<>();
  private RocksDB db;
  private RocksDbColumn column;
  private WriteOptions writeOptions;
  private WriteBatch batch;
  private boolean failWrites;
  private int batchesWritten;

  @BeforeEach
  void openDatabase() throws RocksDBException {
    RocksDB.loadLibrary();
    DBOptions options = own(new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true));
    ColumnFamilyOptions columnOptions = own(new ColumnFamilyOptions().setMergeOperator(own(new StringAppendOperator(""))));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    db = RocksDB.open(options, directories.next().toString(), List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, columnOptions),
        new ColumnFamilyDescriptor("s".getBytes(), columnOptions)), handles);
    handles.forEach(this::own);
    natives.add(db);
    column = new RocksDbColumn("s", handles.get(1),
        StateMetaInfo.of(StateDescriptors.value("s", Serializers.LONG)), false);
    writeOptions = own(new WriteOptions().setDisableWAL(true));
    batch = own(new WriteBatch());
  }

  @AfterEach
  void close() throws Exception {
    for (int i = natives.size() - 1; i >= 0; i--) {
      natives.get(i).close();
    }
    directories.close();
  }

  private <T extends AutoCloseable> T own(T handle) {
    natives.add(handle);
    return handle;
  }

  private WriteBackCache cache(long capacity) {
    return new WriteBackCache(capacity, batch, (toWrite, c) -> {
      try {
        if (failWrites) {
          throw new RocksDbStateException("write", c.name, new RocksDBException("injected failure"));
        }
        db.write(writeOptions, toWrite);
        batchesWritten++;
      } catch (RocksDBException e) {
        throw new RocksDbStateException("write", c.name, e);
      } finally {
        toWrite.clear();
      }
    });
  }

  @Test
  void randomOperationsWithFailingWrites_matchModel() throws RocksDBException {
    for (long seed = 1; seed <= 20; seed++) {
      runModel(seed, 4_000);
    }
  }

  @Test
  void write_whileEvictedWritesFail_throwsAndChangesNothing() throws RocksDBException {
    WriteBackCache cache = cache(20 * (WriteBackCache.ENTRY_OVERHEAD + 9));
    for (int k = 0; k < 20; k++) {
      cache.write(column, key(k), 1, value(k), 8); // fills the cache, all dirty
    }
    long bytes = cache.bytes();
    failWrites = true;

    assertThatThrownBy(() -> cache.write(column, key(20), 1, value(20), 8))
        .isInstanceOf(RocksDbStateException.class)
        .hasMessageContaining("injected failure");

    assertThat(cache.find(column, key(20), 1)).as("the failed write").isNull();
    assertThat(cache.bytes()).isEqualTo(bytes);
    for (int k = 0; k < 20; k++) {
      assertThat(cache.find(column, key(k), 1).value).as("key %d", k).isEqualTo(value(k));
    }
    assertThatThrownBy(cache::flushAll).isInstanceOf(RocksDbStateException.class);

    failWrites = false;
    cache.flushAll();
    for (int k = 0; k < 20; k++) {
      assertThat(db.get(column.handle, key(k))).as("key %d in RocksDB", k).isEqualTo(value(k));
    }
  }

  @Test
  void readAndWriteOfCachedKeys_touchRocksDbOnlyWhenFlushed() throws RocksDBException {
    WriteBackCache cache = cache(1 << 20);
    for (int round = 0; round < 100; round++) {
      for (int k = 0; k < 10; k++) {
        cache.write(column, key(k), 1, value(round), 8);
      }
    }
    assertThat(batchesWritten).isZero();
    assertThat(db.get(column.handle, key(3))).isNull();

    cache.flush(column);

    assertThat(batchesWritten).isEqualTo(1);
    assertThat(db.get(column.handle, key(3))).isEqualTo(value(99));
    cache.flush(column);
    assertThat(batchesWritten).as("nothing dirty: no second batch").isEqualTo(1);
  }

  @Test
  void boundDirty_aWriteBeyondTheBound_writesTheDirtyEntriesFirst_rewritesOfOneKeyCountOnce() throws RocksDBException {
    WriteBackCache cache = cache(1 << 20);
    cache.boundDirty(4);
    for (int round = 0; round < 10; round++) {
      cache.write(column, key(0), 1, value(round), 8); // one dirty entry, however often written
    }
    for (int k = 1; k < 4; k++) {
      cache.write(column, key(k), 1, value(k), 8);
    }
    assertThat(batchesWritten).as("four dirty entries: within the bound").isZero();

    cache.write(column, key(4), 1, value(4), 8);

    assertThat(batchesWritten).isEqualTo(1);
    assertThat(db.get(column.handle, key(0))).isEqualTo(value(9));
    assertThat(db.get(column.handle, key(3))).isEqualTo(value(3));
    assertThat(db.get(column.handle, key(4))).as("the new write: cached, dirty").isNull();
    assertThat(cache.find(column, key(4), 1).value).isEqualTo(value(4));
    assertThat(cache.find(column, key(0), 1).value).as("flushed entries stay cached").isEqualTo(value(9));
    assertThatThrownBy(() -> cache.boundDirty(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cacheRead_beforeTheFirstEviction_cachesEveryMiss_afterIt_onlyAKeysSecondMiss() {
    WriteBackCache cache = cache(10 * (WriteBackCache.ENTRY_OVERHEAD + 9));
    for (int k = 0; k < 10; k++) {
      cache.cacheRead(column, key(k), 1, value(k), 8);
    }
    assertThat(cache.size()).as("room for ten: every read cached").isEqualTo(10);

    cache.cacheRead(column, key(10), 1, value(10), 8);
    assertThat(cache.find(column, key(10), 1)).as("the read that made the cache evict").isNotNull();
    int size = cache.size();

    cache.cacheRead(column, key(11), 1, value(11), 8);
    assertThat(cache.find(column, key(11), 1)).as("a full cache: first miss of a key").isNull();
    assertThat(cache.size()).isEqualTo(size);
    cache.cacheRead(column, key(12), 1, null, 0);
    assertThat(cache.find(column, key(12), 1)).as("first miss of an absent key").isNull();

    cache.cacheRead(column, key(11), 1, value(11), 8);
    assertThat(cache.find(column, key(11), 1).value).as("its second miss").isEqualTo(value(11));
    cache.cacheRead(column, key(12), 1, null, 0);
    WriteBackCache.Entry absent = cache.find(column, key(12), 1);
    assertThat(absent).as("second miss of the absent key").isNotNull();
    assertThat(absent.value).isNull();

    cache.write(column, key(13), 1, value(13), 8);
    assertThat(cache.find(column, key(13), 1).value).as("writes are always cached").isEqualTo(value(13));

    cache.clear();
    cache.cacheRead(column, key(14), 1, value(14), 8);
    assertThat(cache.find(column, key(14), 1)).as("cleared: empty again, every read cached").isNotNull();
  }

  private void runModel(long seed, int operations) throws RocksDBException {
    for (int k = 0; k < KEYS; k++) {
      db.delete(column.handle, key(k));
    }
    SplittableRandom random = new SplittableRandom(seed);
    Map<Integer, byte[]> model = new HashMap<>();
    WriteBackCache cache = cache(8 * (WriteBackCache.ENTRY_OVERHEAD + 40)); // maxEntryBytes 42
    if (seed % 2 == 0) {
      cache.boundDirty(3); // as a backend taking incremental snapshots does, much tighter
    }
    for (int i = 0; i < operations; i++) {
      failWrites = random.nextInt(10) == 0;
      int k = random.nextInt(KEYS);
      String step = "seed " + seed + ", operation " + i + ", key " + k;
      try {
        switch (random.nextInt(6)) {
          case 0, 1 -> {
            byte[] value = randomBytes(random, 1 + random.nextInt(60));
            if (!cache.write(column, key(k), 1, value, value.length)) {
              db.put(column.handle, key(k), value); // too large to cache: written directly, as the backend does
            }
            model.put(k, value);
          }
          case 2 -> {
            cache.write(column, key(k), 1, null, 0);
            model.remove(k);
          }
          case 3 -> {
            byte[] operand = randomBytes(random, 1 + random.nextInt(20));
            if (!cache.append(column, key(k), 1, operand, operand.length)) {
              db.merge(column.handle, key(k), operand);
            }
            byte[] old = model.getOrDefault(k, new byte[0]);
            byte[] merged = Arrays.copyOf(old, old.length + operand.length);
            System.arraycopy(operand, 0, merged, old.length, operand.length);
            model.put(k, merged);
          }
          case 4 -> {
            WriteBackCache.Entry entry = cache.find(column, key(k), 1);
            byte[] read = entry != null ? entry.value : db.get(column.handle, key(k));
            assertThat(read).as(step).isEqualTo(model.get(k));
            if (entry == null) {
              cache.cacheRead(column, key(k), 1, read, read == null ? 0 : read.length);
            }
          }
          default -> cache.flush(column);
        }
      } catch (RocksDbStateException injected) {
        assertThat(failWrites).as(step + ": failed without an injected failure").isTrue();
      }
      failWrites = false;
      assertThat(cache.bytes()).as(step).isLessThanOrEqualTo(8 * (WriteBackCache.ENTRY_OVERHEAD + 40) + 64);
      WriteBackCache.Entry entry = cache.find(column, key(k), 1);
      byte[] now = entry != null ? entry.value : db.get(column.handle, key(k));
      assertThat(now).as(step).isEqualTo(model.get(k));
    }
    cache.flushAll();
    cache.clear();
    for (int k = 0; k < KEYS; k++) {
      assertThat(db.get(column.handle, key(k))).as("seed %d, key %d after the final flush", seed, k).isEqualTo(model.get(k));
    }
  }

  private static byte[] key(int k) {
    return new byte[] {(byte) k};
  }

  private static byte[] value(long v) {
    byte[] bytes = new byte[8];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (v >>> (8 * i));
    }
    return bytes;
  }

  private static byte[] randomBytes(SplittableRandom random, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    return bytes;
  }
}
