package dev.cairn.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.BackendClosedException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.MapState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.kit.MemorySnapshotStore;
import dev.cairn.state.kit.StreamOnlyOutput;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Closing a backend while a snapshot of it is being written fails the snapshot cleanly. */
class RocksDbSnapshotCloseTest {

  private static final int KEYS = 100_000;

  @Test
  void close_whileSnapshotBeingWritten_writerFailsWithBackendClosedAndCloseCompletes() throws Exception {
    KeyedStateBackend<Long> backend = filledBackend();
    StateSnapshot snapshot = Snapshotable.of(backend).snapshot(7);
    BlockingOutput output = new BlockingOutput();
    CompletableFuture<Object> writing = CompletableFuture.supplyAsync(() -> {
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
        .hasMessageContaining("snapshot 7");
    snapshot.close();
    assertThatThrownBy(() -> Snapshotable.of(backend).snapshot(8)).isInstanceOf(BackendClosedException.class);
  }

  @Test
  void writeTo_afterBackendClosed_throwsBackendClosed() {
    KeyedStateBackend<Long> backend = filledBackend();
    StateSnapshot snapshot = Snapshotable.of(backend).snapshot(1);

    backend.close();

    assertThatThrownBy(() -> snapshot.writeTo(new MemorySnapshotStore())).isInstanceOf(BackendClosedException.class);
    snapshot.close();
  }

  @Test
  void close_snapshotWhileBeingWritten_writerStopsAndBackendKeepsWorking() throws Exception {
    KeyedStateBackend<Long> backend = filledBackend();
    StateSnapshot snapshot = Snapshotable.of(backend).snapshot(3);
    BlockingOutput output = new BlockingOutput();
    CompletableFuture<Object> writing = CompletableFuture.supplyAsync(() -> {
      try {
        return snapshot.writeTo(output);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    assertThat(output.firstWrite.await(30, TimeUnit.SECONDS)).isTrue();

    snapshot.close();
    output.proceed.countDown();

    assertThatThrownBy(() -> writing.get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    ValueState<Long> state = backend.getState(StateDescriptors.value("v", Serializers.LONG));
    backend.setCurrentKey(5L);
    assertThat(state.value()).isEqualTo(5L);
    try (StateSnapshot next = Snapshotable.of(backend).snapshot(4)) {
      assertThat(next.writeTo(new MemorySnapshotStore()).entryCount()).isEqualTo(2L * KEYS);
    }
    backend.close();
  }

  private static KeyedStateBackend<Long> filledBackend() {
    KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).memoryBudget(32L << 20).build();
    ValueState<Long> value = backend.getState(StateDescriptors.value("v", Serializers.LONG));
    MapState<Long, Long> map = backend.getState(StateDescriptors.map("m", Serializers.LONG, Serializers.LONG));
    for (long key = 0; key < KEYS; key++) {
      backend.setCurrentKey(key);
      value.update(key);
      map.put(key, key);
    }
    return backend;
  }

  /** An output whose stream blocks on its first write until {@link #proceed} is released. */
  private static final class BlockingOutput extends StreamOnlyOutput {
    final CountDownLatch firstWrite = new CountDownLatch(1);
    final CountDownLatch proceed = new CountDownLatch(1);

    @Override
    public OutputStream createStream(String name) {
      return new FilterOutputStream(OutputStream.nullOutputStream()) {
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
        }
      };
    }
  }
}
