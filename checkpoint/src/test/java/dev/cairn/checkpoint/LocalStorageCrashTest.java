package dev.cairn.checkpoint;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SPI-level crash harness on the local storage. {@link CrashAtEveryFileOperationTest} already
 * crashes before every file operation (fsyncs and renames included) of all three variants, so this
 * run takes every second storage operation of the heap variants, to keep the harness itself honest.
 */
class LocalStorageCrashTest extends StorageCrashContract {

  @TempDir Path dir;

  @Override
  protected String location(String name) {
    return dir.resolve(name).toString();
  }

  @Override
  protected List<String> variants() {
    return List.of("heap", "heap-incremental");
  }

  @Override
  protected int stride(String variant) {
    return 2;
  }
}
