package dev.cairn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.checkpoint.internal.CheckpointLayout;
import dev.cairn.checkpoint.internal.CheckpointMetadata;
import dev.cairn.checkpoint.internal.JobStore;
import dev.cairn.checkpoint.internal.StoredFile;
import dev.cairn.checkpoint.storage.FileLayer;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Reads a job directory straight from disk, for assertions about what is stored. */
final class JobDirectory {

  final Path job;

  JobDirectory(Path job) {
    this.job = job;
  }

  /** The {@code chk-<id>} directories, by id. */
  Set<Long> checkpointDirectories() {
    Set<Long> ids = new TreeSet<>();
    for (Path p : list(job)) {
      CheckpointLayout.checkpointId(p.getFileName().toString()).ifPresent(ids::add);
    }
    return ids;
  }

  /** The metadata of every {@code chk-<id>} directory that has a {@code _metadata}, by id. */
  TreeMap<Long, CheckpointMetadata> metadata() {
    TreeMap<Long, CheckpointMetadata> result = new TreeMap<>();
    for (long id : checkpointDirectories()) {
      Path directory = job.resolve(CheckpointLayout.checkpointDirectory(id));
      if (Files.exists(directory.resolve(CheckpointLayout.METADATA))) {
        try {
          CheckpointMetadata m = JobStore.readMetadata(LocalCheckpointStorage.at(FileLayer.local(), directory));
          assertThat(m.checkpointId()).isEqualTo(id);
          result.put(id, m);
        } catch (IOException | RuntimeException e) { // CorruptFileException is a RuntimeException
          if (!Files.exists(directory.resolve(CheckpointLayout.METADATA))) {
            continue; // removed by retention while being read
          }
          throw new IllegalStateException("metadata of checkpoint " + id, e);
        }
      }
    }
    return result;
  }

  /** The files in {@code shared/}, as {@code shared/<name>}. */
  Set<String> sharedFiles() {
    Set<String> names = new TreeSet<>();
    Path shared = job.resolve(CheckpointLayout.SHARED_DIRECTORY);
    if (Files.isDirectory(shared)) {
      for (Path p : list(shared)) {
        names.add(CheckpointLayout.SHARED_DIRECTORY + "/" + p.getFileName());
      }
    }
    return names;
  }

  /** The shared files the given checkpoints list. */
  static Set<String> referenced(Iterable<CheckpointMetadata> checkpoints) {
    Set<String> paths = new TreeSet<>();
    checkpoints.forEach(m -> paths.addAll(m.sharedPaths()));
    return paths;
  }

  /** Every temporary file anywhere under the job directory. */
  List<String> temporaryFiles() {
    List<String> result = new ArrayList<>();
    try (Stream<Path> files = Files.walk(job)) {
      files.filter(p -> p.getFileName().toString().startsWith(LocalCheckpointStorage.TEMP_PREFIX))
          .forEach(p -> result.add(job.relativize(p).toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return result;
  }

  /**
   * Checks that every file a checkpoint with metadata lists exists with the listed size; returns the
   * metadata read.
   */
  TreeMap<Long, CheckpointMetadata> assertListedFilesExist(String context) {
    TreeMap<Long, CheckpointMetadata> all = metadata();
    for (CheckpointMetadata m : all.values()) {
      Path directory = job.resolve(CheckpointLayout.checkpointDirectory(m.checkpointId()));
      for (StoredFile f : m.files()) {
        Path path = f.shared() ? job.resolve(f.path()) : directory.resolve(f.path());
        assertThat(path).as("%s: file %s of checkpoint %d", context, f.path(), m.checkpointId()).isRegularFile();
        try {
          assertThat(Files.size(path)).as("%s: size of %s", context, path).isEqualTo(f.size());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return all;
  }

  /**
   * Checks the quiescent state: every {@code chk-*} directory has metadata, {@code shared/} holds
   * exactly what they list, and no temporary file is left.
   */
  TreeMap<Long, CheckpointMetadata> assertClean(String context) {
    TreeMap<Long, CheckpointMetadata> all = assertListedFilesExist(context);
    assertThat(checkpointDirectories()).as("%s: every checkpoint directory is complete", context)
        .isEqualTo(all.keySet());
    assertThat(sharedFiles()).as("%s: shared/ holds exactly what retained checkpoints list", context)
        .isEqualTo(referenced(all.values()));
    assertThat(temporaryFiles()).as("%s: temporary files", context).isEmpty();
    return all;
  }

  private static List<Path> list(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(directory)) {
      return s.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
