package dev.cairn.checkpoint.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.checkpoint.storage.CorruptFileException;
import dev.cairn.checkpoint.storage.FaultInjectingFileLayer;
import dev.cairn.checkpoint.storage.FileLayer;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFilesTest {

  private static final int MAGIC = 0x54455354; // "TEST"

  @TempDir Path dir;

  private static final String NAME = "task-0.data";

  private CheckpointStorage storage() {
    return LocalCheckpointStorage.at(FileLayer.local(), dir);
  }

  private static byte[] payload(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void write_thenVerifyAndRead_returnsPayloadAndRecord() throws IOException {
    byte[] payload = payload(200_000);
    Path file = dir.resolve(NAME);

    StoredFile written = CheckpointFiles.write(storage(), file.getFileName().toString(), MAGIC, 1, out -> out.write(payload));

    assertThat(written.size()).isEqualTo(Files.size(file)).isEqualTo(payload.length + 24L);
    CheckpointFiles.verify(storage(), NAME, MAGIC, 1, written);
    try (InputStream in = CheckpointFiles.openVerified(storage(), NAME, MAGIC, 1, written, Long.MAX_VALUE)) {
      assertThat(in.readAllBytes()).isEqualTo(payload);
    }
    assertThat(Files.list(dir)).containsExactly(file);
  }

  @Test
  void write_emptyPayload_verifies() throws IOException {
    Path file = dir.resolve("task-0.empty");
    StoredFile written = CheckpointFiles.write(storage(), file.getFileName().toString(), MAGIC, 1, out -> {});
    assertThat(written.size()).isEqualTo(24);
    CheckpointFiles.verify(storage(), file.getFileName().toString(), MAGIC, 1, written);
  }

  @Test
  void write_targetExists_failsAndKeepsExistingFile() throws IOException {
    Path file = dir.resolve(NAME);
    CheckpointFiles.write(storage(), file.getFileName().toString(), MAGIC, 1, out -> out.write(1));
    byte[] before = Files.readAllBytes(file);

    assertThatThrownBy(() -> CheckpointFiles.write(storage(), file.getFileName().toString(), MAGIC, 1, out -> out.write(2)))
        .isInstanceOf(IOException.class);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThat(Files.list(dir)).containsExactly(file);
  }

  @Test
  void write_failureAtEveryOperation_leavesNeitherTargetNorTemporaryFile() throws IOException {
    FaultInjectingFileLayer faulty = new FaultInjectingFileLayer();
    byte[] payload = payload(300_000);
    faulty.failOperation(0);
    CheckpointFiles.write(LocalCheckpointStorage.at(faulty, dir), "task-0.probe", MAGIC, 1, out -> out.write(payload));
    int operations = faulty.operations();
    assertThat(operations).isGreaterThan(4);

    for (int k = 1; k < operations; k++) { // the last operation, the directory sync, is checked below
      Path target = dir.resolve("task-0.file-" + k);
      faulty.failOperation(k);
      assertThatThrownBy(() -> CheckpointFiles.write(LocalCheckpointStorage.at(faulty, dir), target.getFileName().toString(), MAGIC, 1, out -> out.write(payload)))
          .as("failure of operation %d", k)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("injected failure of operation " + k);
      assertThat(Files.exists(target)).as("target after failure of operation %d", k).isFalse();
      try (var entries = Files.list(dir)) {
        assertThat(entries.map(p -> p.getFileName().toString()))
            .as("no temporary file after failure of operation %d", k)
            .noneMatch(LocalCheckpointStorage::isTemporary);
      }
    }
  }

  @Test
  void directorySyncFails_isReportedBySync_andRetriedByTheNext() throws IOException {
    FaultInjectingFileLayer faulty = new FaultInjectingFileLayer();
    LocalCheckpointStorage storage = LocalCheckpointStorage.at(faulty, dir);
    CheckpointFiles.write(storage, NAME, MAGIC, 1, out -> out.write(7)); // renamed; its directory not yet synced
    assertThat(faulty.log()).noneMatch(op -> op.startsWith("sync-directory"));

    faulty.failOperation(1); // the next operation: the directory sync
    assertThatThrownBy(storage::sync).hasMessageContaining("sync-directory " + dir.toAbsolutePath());

    storage.sync(); // the directory stayed recorded: synced now
    assertThat(faulty.log()).filteredOn(op -> op.equals("sync-directory " + dir.toAbsolutePath())).hasSize(2);
  }

  @Test
  void verify_everyFlippedByte_isDetectedNamingTheFile() throws IOException {
    Path file = dir.resolve(NAME);
    CheckpointFiles.write(storage(), file.getFileName().toString(), MAGIC, 1, out -> out.write(payload(300)));
    byte[] good = Files.readAllBytes(file);

    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x10;
      Files.write(file, bad);
      int at = i;
      assertThatThrownBy(() -> CheckpointFiles.verify(storage(), file.getFileName().toString(), MAGIC, 1, null))
          .as("flipped byte %d", at)
          .isInstanceOf(CorruptFileException.class)
          .hasMessageContaining(file.toString());
    }
  }

  @Test
  void verify_everyTruncation_isDetected() throws IOException {
    Path file = dir.resolve(NAME);
    CheckpointFiles.write(storage(), file.getFileName().toString(), MAGIC, 1, out -> out.write(payload(100)));
    byte[] good = Files.readAllBytes(file);

    for (int length = 0; length < good.length; length++) {
      Files.write(file, Arrays.copyOf(good, length));
      int at = length;
      assertThatThrownBy(() -> CheckpointFiles.verify(storage(), file.getFileName().toString(), MAGIC, 1, null))
          .as("truncated to %d bytes", at)
          .isInstanceOf(CorruptFileException.class);
    }
  }

  @Test
  void verify_sizeOrChecksumDiffersFromMetadata_isDetected() throws IOException {
    Path file = dir.resolve(NAME);
    StoredFile written = CheckpointFiles.write(storage(), file.getFileName().toString(), MAGIC, 1, out -> out.write(payload(100)));

    assertThatThrownBy(
            () -> CheckpointFiles.verify(storage(), file.getFileName().toString(), MAGIC, 1, StoredFile.inCheckpoint(NAME, written.size() + 1, written.crc32c())))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("metadata says");
    assertThatThrownBy(
            () -> CheckpointFiles.verify(storage(), file.getFileName().toString(), MAGIC, 1, StoredFile.inCheckpoint(NAME, written.size(), written.crc32c() + 1)))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void verify_otherFileTypeOrVersion_isRejected() throws IOException {
    Path file = dir.resolve(NAME);
    CheckpointFiles.write(storage(), file.getFileName().toString(), MAGIC, 2, out -> out.write(1));

    assertThatThrownBy(() -> CheckpointFiles.verify(storage(), file.getFileName().toString(), MAGIC + 1, 2, null))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("magic");
    assertThatThrownBy(() -> CheckpointFiles.verify(storage(), file.getFileName().toString(), MAGIC, 1, null))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("format version 2");
  }

  @Test
  void openVerified_readerStopsAtPayloadEnd_closeStillChecksTheChecksum() throws IOException {
    byte[] payload = payload(1000);
    CheckpointFiles.write(storage(), NAME, MAGIC, 1, out -> out.write(payload));
    byte[] bad = Files.readAllBytes(dir.resolve(NAME));
    bad[500] ^= 1;
    Files.write(dir.resolve(NAME), bad);

    InputStream in = CheckpointFiles.openVerified(storage(), NAME, MAGIC, 1, null, Long.MAX_VALUE);
    assertThat(in.readNBytes(payload.length)).hasSize(payload.length); // damaged, but not yet known
    assertThatThrownBy(in::close).isInstanceOf(CorruptFileException.class).hasMessageContaining("CRC32C");
  }

  @Test
  void readVerified_payloadLargerThanCap_isRejectedBeforeReading() throws IOException {
    CheckpointFiles.write(storage(), NAME, MAGIC, 1, out -> out.write(payload(10_000)));

    assertThatThrownBy(() -> CheckpointFiles.readVerified(storage(), NAME, MAGIC, 1, 1, null, 9_999))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("more than the 9999 allowed");
  }
}
