package dev.cairn.checkpoint.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The power-loss model itself: what survives a cut and what does not. */
class PowerLossFileLayerTest {

  @TempDir Path dir;

  private static void write(FileLayer files, Path file, String content, boolean sync) throws IOException {
    try (FileLayer.SyncableOutputStream out = files.create(file)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
      if (sync) {
        out.sync();
      }
    }
  }

  @Test
  void powerLoss_revertsEverythingNotMadeDurable() throws Exception {
    Files.writeString(dir.resolve("old"), "old");
    Files.writeString(dir.resolve("kept"), "kept");
    PowerLossFileLayer files = new PowerLossFileLayer(dir);

    Path sub = dir.resolve("sub");
    files.createDirectory(sub);
    files.syncDirectory(dir); // sub is durable
    write(files, sub.resolve("synced"), "synced", true);
    files.syncDirectory(sub); // its name too
    write(files, sub.resolve("name-only"), "name-only", false); // name synced, bytes never: empty
    files.syncDirectory(sub);
    Path partial = sub.resolve("partial");
    try (FileLayer.SyncableOutputStream out = files.create(partial)) {
      out.write("abc".getBytes(StandardCharsets.UTF_8));
      out.sync();
      out.write("def".getBytes(StandardCharsets.UTF_8)); // after the last sync: lost
    }
    files.syncDirectory(sub);
    write(files, sub.resolve("data-only"), "data-only", true); // name never synced: lost
    files.rename(sub.resolve("synced"), sub.resolve("renamed")); // rename never synced: undone
    files.delete(dir.resolve("old"));
    files.syncDirectory(dir); // the deletion of "old" is durable
    files.delete(dir.resolve("kept")); // this one never synced: undone
    files.createDirectory(dir.resolve("lost")); // never synced in its parent: lost with its files
    write(files, dir.resolve("lost").resolve("f"), "f", true);
    files.syncDirectory(dir.resolve("lost"));

    assertThat(PowerLossFileLayer.tree(dir)).containsExactly(
        "lost/f", "sub/data-only", "sub/name-only", "sub/partial", "sub/renamed");

    files.powerLoss();

    assertThat(PowerLossFileLayer.tree(dir)).containsExactly("kept", "sub/name-only", "sub/partial", "sub/synced");
    assertThat(Files.readString(dir.resolve("kept"))).isEqualTo("kept");
    assertThat(Files.readString(sub.resolve("synced"))).isEqualTo("synced");
    assertThat(Files.readString(sub.resolve("partial"))).isEqualTo("abc");
    assertThat(Files.size(sub.resolve("name-only"))).isZero();
    assertThatThrownBy(() -> files.list(dir)).isInstanceOf(IOException.class); // the power is off
  }

  @Test
  void cutBeforeOperation_failsThatOperationAndEveryLaterOne() throws Exception {
    PowerLossFileLayer files = new PowerLossFileLayer(dir);
    boolean[] called = {false};
    files.onCut(() -> called[0] = true);
    files.cutBeforeOperation(3); // create, write, [sync]
    FileLayer.SyncableOutputStream out = files.create(dir.resolve("f"));
    out.write(1);
    assertThatThrownBy(out::sync).hasMessageContaining("power cut before operation 3");
    assertThat(called[0]).isTrue();
    assertThat(files.wasCut()).isTrue();
    assertThatThrownBy(() -> files.createDirectory(dir.resolve("d"))).isInstanceOf(IOException.class);
    assertThatThrownBy(out::close).isInstanceOf(IOException.class);
    files.powerLoss();
    assertThat(PowerLossFileLayer.tree(dir)).isEmpty();
  }
}
