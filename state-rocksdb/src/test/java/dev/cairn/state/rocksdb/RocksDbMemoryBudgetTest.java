package dev.cairn.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.StateException;
import dev.cairn.state.ValueState;
import dev.cairn.state.serde.Serializers;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RocksDbMemoryBudgetTest {

  private static final long BUDGET = 16L << 20;

  @Test
  void write_manyStatesBeyondBudget_reportedUsageStaysWithinBudget() {
    int states = 24;
    int valueSize = 1024;
    long keysPerState = 4_000; // 24 states x 4,000 keys x 1 KiB = ~94 MiB, six times the budget
    Random random = new Random(42);
    long maxUsage = 0;
    long maxMemTables = 0;
    try (RocksDbMemory memory = RocksDbMemory.create(BUDGET);
        KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).memory(memory).build()) {
      List<ValueState<byte[]>> handles = new ArrayList<>();
      for (int i = 0; i < states; i++) {
        handles.add(backend.getState(StateDescriptors.value("state-" + i, Serializers.BYTES)));
      }
      byte[] value = new byte[valueSize];
      for (long key = 0; key < keysPerState; key++) {
        backend.setCurrentKey(key);
        for (ValueState<byte[]> state : handles) {
          random.nextBytes(value); // incompressible
          state.update(value);
        }
        if (key % 100 == 0) {
          // read back older keys so data, index and filter blocks fill the cache too
          backend.setCurrentKey((long) random.nextInt((int) key + 1));
          for (ValueState<byte[]> state : handles) {
            assertThat(state.value()).hasSize(valueSize);
          }
          maxUsage = Math.max(maxUsage, memory.usageBytes());
          maxMemTables = Math.max(maxMemTables,
              RocksDbStateBackend.aggregatedLongProperty(backend, "rocksdb.size-all-mem-tables"));
        }
      }
      long sstBytes = RocksDbStateBackend.aggregatedLongProperty(backend, "rocksdb.total-sst-files-size");

      assertThat(sstBytes).as("data written to disk").isGreaterThan(3 * BUDGET);
      assertThat(maxUsage).as("block cache + memtables reported by the shared cache").isLessThanOrEqualTo(BUDGET);
      assertThat(maxUsage).as("the cache was actually used").isGreaterThan(BUDGET / 4);
      assertThat(maxMemTables).as("memtables of all states").isLessThanOrEqualTo(BUDGET);
    }
  }

  @Test
  void close_whileBackendsUseIt_releasedWhenLastBackendCloses() {
    RocksDbMemory memory = RocksDbMemory.create(BUDGET);
    KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).memory(memory).build();
    ValueState<Long> state = backend.getState(StateDescriptors.value("v", Serializers.LONG));
    backend.setCurrentKey(1L);

    memory.close();

    state.update(7L);
    assertThat(state.value()).isEqualTo(7L);
    assertThat(memory.usageBytes()).isPositive();
    assertThatThrownBy(() -> RocksDbStateBackend.builder(Serializers.LONG).memory(memory).build())
        .isInstanceOf(StateException.class)
        .hasMessageContaining("closed");
    backend.close();
    assertThat(memory.usageBytes()).isZero();
  }

  @Test
  void create_budgetBelowMinimum_throwsIllegalArgument() {
    assertThatThrownBy(() -> RocksDbMemory.create(1L << 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least");
  }

  @Test
  void create_budget_splitsIntoCacheAndWriteBuffers() {
    try (RocksDbMemory memory = RocksDbMemory.create(300L << 20, 0.5, 0.1)) {
      assertThat(memory.budgetBytes()).isEqualTo(300L << 20);
      assertThat(memory.cacheCapacityBytes()).isEqualTo(250L << 20);
      assertThat(memory.writeBufferBytes()).isEqualTo(100L << 20);
    }
  }
}
