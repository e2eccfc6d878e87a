package dev.cairn.benchmarks.cairn;

import dev.cairn.state.KeyedStateBackend;
import java.lang.reflect.Field;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;

/**
 * Flushes and compacts every column family of a Cairn RocksDB backend, as Flink's state benchmarks
 * do after filling. The backend has no public hook for it, so this reaches its private {@code db}
 * and {@code columns} by reflection (benchmark-only; fails loudly if the backend's fields change).
 */
final class RocksDbCompaction {

  private RocksDbCompaction() {}

  /** Flushes and compacts {@code backend} if it is a RocksDB backend; does nothing otherwise. */
  static void flushAndCompact(KeyedStateBackend<?> backend) throws Exception {
    if (!backend.getClass().getSimpleName().equals("RocksDbKeyedBackend")) {
      return;
    }
    RocksDB db = (RocksDB) field(backend, "db");
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      for (Object column : ((Map<?, ?>) field(backend, "columns")).values()) {
        ColumnFamilyHandle handle = (ColumnFamilyHandle) field(column, "handle");
        db.flush(flush, handle);
        db.compactRange(handle);
      }
    }
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    Field field = owner.getClass().getDeclaredField(name);
    field.setAccessible(true);
    return field.get(owner);
  }
}
