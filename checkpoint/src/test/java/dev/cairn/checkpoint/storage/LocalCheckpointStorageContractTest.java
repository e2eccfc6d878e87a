package dev.cairn.checkpoint.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage SPI contract on {@link LocalCheckpointStorage}, plus how locations select a storage. */
class LocalCheckpointStorageContractTest extends CheckpointStorageContract {

  @TempDir Path dir;

  @Override
  protected CheckpointStorage open(String name) {
    return LocalCheckpointStorage.at(FileLayer.local(), dir.resolve(name));
  }

  @Test
  void forLocation_plainPathsAndFileUrisAreLocal_otherSchemesNeedTheirModule() throws Exception {
    assertThat(CheckpointStorage.forLocation(dir.resolve("a").toString()))
        .isInstanceOfSatisfying(LocalCheckpointStorage.class, s -> assertThat(s.directory()).isEqualTo(dir.resolve("a")));
    assertThat(CheckpointStorage.forLocation(dir.resolve("b").toUri().toString()))
        .isInstanceOfSatisfying(LocalCheckpointStorage.class, s -> assertThat(s.directory()).isEqualTo(dir.resolve("b")));
    assertThat(CheckpointStorage.forLocation("relative/dir")).isInstanceOf(LocalCheckpointStorage.class);
    assertThatThrownBy(() -> CheckpointStorage.forLocation("hdfs://namenode/jobs/a"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no checkpoint storage for scheme 'hdfs'")
        .hasMessageContaining("cairn-checkpoint-hdfs");
    assertThatThrownBy(() -> CheckpointStorage.forLocation("s3://bucket/job"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cairn-checkpoint-s3");
    assertThatThrownBy(() -> CheckpointStorage.forLocation(" ")).isInstanceOf(IllegalArgumentException.class);
  }
}
