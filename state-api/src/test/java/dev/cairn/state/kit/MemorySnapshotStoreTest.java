package dev.cairn.state.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.SnapshotException;
import java.io.InputStream;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class MemorySnapshotStoreTest {

  @Test
  void createStream_closed_readableThroughInput() throws Exception {
    MemorySnapshotStore store = new MemorySnapshotStore();

    try (OutputStream out = store.createStream("keyed-state")) {
      out.write(new byte[] {1, 2, 3});
    }

    assertThat(store.input().streamNames()).containsExactly("keyed-state");
    try (InputStream in = store.input().openStream("keyed-state")) {
      assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void createStream_notClosed_notWritten() throws Exception {
    MemorySnapshotStore store = new MemorySnapshotStore();

    store.createStream("open").write(1);

    assertThat(store.streamNames()).isEmpty();
  }

  @Test
  void createStream_sameNameTwiceOrInvalidName_throwsIllegalArgument() {
    MemorySnapshotStore store = new MemorySnapshotStore();
    store.createStream("a");

    assertThatThrownBy(() -> store.createStream("a")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.createStream("../a")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.createStream("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void openStream_unknownName_throwsSnapshotExceptionWithDescription() {
    MemorySnapshotStore store = new MemorySnapshotStore("chk-7");

    assertThatThrownBy(() -> store.input().openStream("missing"))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("chk-7");
  }

  @Test
  void put_replacesStreamWithCopy() {
    MemorySnapshotStore store = new MemorySnapshotStore();
    byte[] bytes = {1};

    store.put("s", bytes);
    bytes[0] = 9;

    assertThat(store.bytes("s")).containsExactly(1);
  }
}
