package dev.cairn.checkpoint.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  private final FileLayer files = FileLayer.local();

  private static byte[] payload(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void write_thenVerifyAndRead_returnsPayloadAndRecord() throws IOException {
    byte[] payload = payload(200_000);
    Path file = dir.resolve("data");

    StoredFile written = CheckpointFiles.write(files, file, MAGIC, 1, out -> out.write(payload));

    assertThat(written.size()).isEqualTo(Files.size(file)).isEqualTo(payload.length + 24L);
    assertThat(CheckpointFiles.verify(files, file, MAGIC, 1, written)).isEqualTo(written);
    try (InputStream in = CheckpointFiles.openPayload(files, file, MAGIC, 1)) {
      assertThat(in.readAllBytes()).isEqualTo(payload);
    }
    assertThat(Files.list(dir)).containsExactly(file);
  }

  @Test
  void write_emptyPayload_verifies() throws IOException {
    Path file = dir.resolve("empty");
    StoredFile written = CheckpointFiles.write(files, file, MAGIC, 1, out -> {});
    assertThat(CheckpointFiles.verify(files, file, MAGIC, 1, written).size()).isEqualTo(24);
  }

  @Test
  void write_targetExists_failsAndKeepsExistingFile() throws IOException {
    Path file = dir.resolve("data");
    CheckpointFiles.write(files, file, MAGIC, 1, out -> out.write(1));
    byte[] before = Files.readAllBytes(file);

    assertThatThrownBy(() -> CheckpointFiles.write(files, file, MAGIC, 1, out -> out.write(2)))
        .isInstanceOf(IOException.class);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThat(Files.list(dir)).containsExactly(file);
  }

  @Test
  void write_failureAtEveryOperation_leavesNeitherTargetNorTemporaryFile() throws IOException {
    FaultInjectingFileLayer faulty = new FaultInjectingFileLayer();
    byte[] payload = payload(300_000);
    faulty.failOperation(0);
    CheckpointFiles.write(faulty, dir.resolve("probe"), MAGIC, 1, out -> out.write(payload));
    int operations = faulty.operations();
    assertThat(operations).isGreaterThan(4);

    for (int k = 1; k < operations; k++) { // the last operation, the directory sync, is checked below
      Path target = dir.resolve("file-" + k);
      faulty.failOperation(k);
      assertThatThrownBy(() -> CheckpointFiles.write(faulty, target, MAGIC, 1, out -> out.write(payload)))
          .as("failure of operation %d", k)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("injected failure of operation " + k);
      assertThat(Files.exists(target)).as("target after failure of operation %d", k).isFalse();
      try (var entries = Files.list(dir)) {
        assertThat(entries.map(p -> p.getFileName().toString()))
            .as("no temporary file after failure of operation %d", k)
            .noneMatch(CheckpointFiles::isTemporary);
      }
    }
  }

  @Test
  void write_directorySyncFails_reportsFailure() throws IOException {
    FaultInjectingFileLayer faulty = new FaultInjectingFileLayer();
    faulty.failOperation(0);
    CheckpointFiles.write(faulty, dir.resolve("probe"), MAGIC, 1, out -> out.write(7));
    int last = faulty.operations();

    faulty.failOperation(last);
    assertThatThrownBy(() -> CheckpointFiles.write(faulty, dir.resolve("data"), MAGIC, 1, out -> out.write(7)))
        .hasMessageContaining("sync-directory");
  }

  @Test
  void verify_everyFlippedByte_isDetectedNamingTheFile() throws IOException {
    Path file = dir.resolve("data");
    CheckpointFiles.write(files, file, MAGIC, 1, out -> out.write(payload(300)));
    byte[] good = Files.readAllBytes(file);

    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x10;
      Files.write(file, bad);
      int at = i;
      assertThatThrownBy(() -> CheckpointFiles.verify(files, file, MAGIC, 1, null))
          .as("flipped byte %d", at)
          .isInstanceOf(CorruptFileException.class)
          .hasMessageContaining(file.toString());
    }
  }

  @Test
  void verify_everyTruncation_isDetected() throws IOException {
    Path file = dir.resolve("data");
    CheckpointFiles.write(files, file, MAGIC, 1, out -> out.write(payload(100)));
    byte[] good = Files.readAllBytes(file);

    for (int length = 0; length < good.length; length++) {
      Files.write(file, Arrays.copyOf(good, length));
      int at = length;
      assertThatThrownBy(() -> CheckpointFiles.verify(files, file, MAGIC, 1, null))
          .as("truncated to %d bytes", at)
          .isInstanceOf(CorruptFileException.class);
    }
  }

  @Test
  void verify_sizeOrChecksumDiffersFromMetadata_isDetected() throws IOException {
    Path file = dir.resolve("data");
    StoredFile written = CheckpointFiles.write(files, file, MAGIC, 1, out -> out.write(payload(100)));

    assertThatThrownBy(
            () -> CheckpointFiles.verify(files, file, MAGIC, 1, new StoredFile("data", written.size() + 1, written.crc32c())))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("metadata says");
    assertThatThrownBy(
            () -> CheckpointFiles.verify(files, file, MAGIC, 1, new StoredFile("data", written.size(), written.crc32c() + 1)))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void verify_otherFileTypeOrVersion_isRejected() throws IOException {
    Path file = dir.resolve("data");
    CheckpointFiles.write(files, file, MAGIC, 2, out -> out.write(1));

    assertThatThrownBy(() -> CheckpointFiles.verify(files, file, MAGIC + 1, 2, null))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("magic");
    assertThatThrownBy(() -> CheckpointFiles.verify(files, file, MAGIC, 1, null))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("format version 2");
  }
}
