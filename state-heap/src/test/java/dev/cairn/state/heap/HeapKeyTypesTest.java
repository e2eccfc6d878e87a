package dev.cairn.state.heap;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.serde.Serializers;
import org.junit.jupiter.api.Test;

/** Key types the heap backend cannot hold correctly are refused up front, never mis-stored. */
class HeapKeyTypesTest {

  @Test
  void build_byteArrayKeys_isRejectedWithReason() {
    assertThatThrownBy(() -> HeapStateBackend.builder(Serializers.BYTES).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("byte[] keys");
  }

  @Test
  void getState_byteArrayMapKeys_isRejectedNamingTheState() {
    try (KeyedStateBackend<Long> backend = HeapStateBackend.builder(Serializers.LONG).build()) {
      assertThatThrownBy(() -> backend.getState(StateDescriptors.map("blobs", Serializers.BYTES, Serializers.LONG)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'blobs'");
    }
  }
}
