package dev.cairn.checkpoint.internal;

import static dev.cairn.state.kit.HostileBytes.fuzz;

import dev.cairn.state.StateKind;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.StateMetaInfo;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Damaged checkpoint metadata, decoded as every version, in the fuzz execution's small heap. */
@Tag("fuzz")
class MetadataFormatFuzzTest {

  private static CheckpointMetadata metadata() {
    List<StateMetaInfo> states = List.of(
        new StateMetaInfo("count", StateKind.VALUE, Serializers.LONG.snapshot(), null),
        new StateMetaInfo("events", StateKind.LIST, Serializers.listOf(Serializers.STRING).snapshot(), null),
        new StateMetaInfo("attrs", StateKind.MAP, Serializers.LONG_ARRAY.snapshot(), Serializers.STRING.snapshot()));
    CheckpointMetadata.Participant participant = new CheckpointMetadata.Participant(
        128, new KeyGroupRange(0, 63), "canonical",
        List.of(new CheckpointMetadata.Entry("keyed-state", new StoredFile("task-0.keyed-state", false, 4096, 0x1234)),
            new CheckpointMetadata.Entry("000012.sst", new StoredFile("shared/ab12.sst", true, 1 << 20, -1))),
        states, new StoredFile("task-0.operator-state", false, 12, 7));
    return new CheckpointMetadata(UUID.fromString("5f0e8a4e-0000-4000-8000-000000000001"), 7, 1_700_000_000_000L, false,
        List.of(participant, participant));
  }

  @Test
  void decode_damagedMetadata_decodesOrThrowsAStateException() {
    byte[] valid = MetadataFormat.encode(metadata());
    for (int version = 1; version <= MetadataFormat.VERSION; version++) {
      int v = version;
      fuzz("metadata v" + v, valid, 40 + v, bytes -> MetadataFormat.decode(bytes, v, "chk-7/_metadata"));
    }
  }
}
