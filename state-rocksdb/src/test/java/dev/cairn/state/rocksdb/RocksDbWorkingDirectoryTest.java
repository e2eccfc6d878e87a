package dev.cairn.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.StateException;
import dev.cairn.state.ValueState;
import dev.cairn.state.serde.Serializers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbWorkingDirectoryTest {

  @TempDir Path tmp;

  @Test
  void build_directoryHeldByAnotherBackend_throwsStateExceptionNamingDirectory() {
    Path dir = tmp.resolve("task-0");
    try (KeyedStateBackend<Long> first = RocksDbStateBackend.builder(Serializers.LONG).workingDirectory(dir).build()) {
      assertThatThrownBy(() -> RocksDbStateBackend.builder(Serializers.LONG).workingDirectory(dir).build())
          .isInstanceOf(StateException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("in use");
      // the first backend is unaffected
      ValueState<Long> state = first.getState(StateDescriptors.value("v", Serializers.LONG));
      first.setCurrentKey(1L);
      state.update(1L);
      assertThat(state.value()).isEqualTo(1L);
    }
  }

  @Test
  void build_directoryReleasedByClose_canBeUsedAgainAndStartsEmpty() {
    Path dir = tmp.resolve("task-0");
    try (KeyedStateBackend<Long> first = RocksDbStateBackend.builder(Serializers.LONG).workingDirectory(dir).build()) {
      ValueState<Long> state = first.getState(StateDescriptors.value("v", Serializers.LONG));
      first.setCurrentKey(1L);
      state.update(1L);
    }
    try (KeyedStateBackend<Long> second = RocksDbStateBackend.builder(Serializers.LONG).workingDirectory(dir).build()) {
      ValueState<Long> state = second.getState(StateDescriptors.value("v", Serializers.LONG));
      second.setCurrentKey(1L);
      assertThat(state.value()).isNull();
    }
  }

  @Test
  void build_opensNoDatabase_untilFirstNeeded() {
    // a backend that starts by restoring a native snapshot opens the restored files directly
    Path dir = tmp.resolve("lazy");
    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).workingDirectory(dir).build()) {
      assertThat(dir.resolve(WorkingDirectory.DB_DIR)).doesNotExist();
      ValueState<Long> state = backend.getState(StateDescriptors.value("v", Serializers.LONG));
      assertThat(dir.resolve(WorkingDirectory.DB_DIR)).as("registering creates no column family").doesNotExist();
      backend.setCurrentKey(1L);
      state.value();
      assertThat(dir.resolve(WorkingDirectory.DB_DIR)).isDirectory();
    }
  }

  @Test
  void close_givenDirectory_deletesDatabaseKeepsDirectory() {
    Path dir = tmp.resolve("task-0");
    KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).workingDirectory(dir).build();
    backend.setCurrentKey(1L);
    backend.getState(StateDescriptors.value("v", Serializers.LONG)).value(); // opens the database
    assertThat(dir.resolve(WorkingDirectory.DB_DIR)).isDirectory();

    backend.close();

    assertThat(dir).isDirectory();
    assertThat(dir.resolve(WorkingDirectory.DB_DIR)).doesNotExist();
  }

  @Test
  void build_leftoverDatabaseFromCrash_deletedOnOpen() throws IOException {
    Path dir = tmp.resolve("task-0");
    Path leftover = Files.createDirectories(dir.resolve(WorkingDirectory.DB_DIR)).resolve("000042.sst");
    Files.writeString(leftover, "garbage");

    try (KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).workingDirectory(dir).build()) {
      assertThat(leftover).doesNotExist();
    }
  }

  @Test
  void close_defaultTemporaryDirectory_deletesIt() {
    KeyedStateBackend<Long> backend = RocksDbStateBackend.builder(Serializers.LONG).build();
    Path root = ((RocksDbKeyedBackend<Long>) backend).workingDirectory();
    assertThat(root).isDirectory();

    backend.close();

    assertThat(root).doesNotExist();
  }
}
