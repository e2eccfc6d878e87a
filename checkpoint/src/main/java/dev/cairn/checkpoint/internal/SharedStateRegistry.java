package dev.cairn.checkpoint.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reference counts of shared files: how many retained, complete checkpoints list each. Never the
 * only record: {@link JobStore} rebuilds it from the retained checkpoints' metadata on every start, so
 * a crash at any instant neither deletes a file a retained checkpoint needs nor leaks one for good.
 * Not thread-safe: {@link JobStore} guards it.
 */
final class SharedStateRegistry {

  private record Counted(StoredFile file, int references) {}

  private final Map<String, Counted> files = new HashMap<>();

  /** Counts a checkpoint's references (each shared file once per checkpoint). */
  void register(CheckpointMetadata checkpoint) {
    for (StoredFile file : distinctShared(checkpoint)) {
      files.merge(file.path(), new Counted(file, 1), (a, b) -> new Counted(a.file(), a.references() + 1));
    }
  }

  /** Drops a checkpoint's references; returns the files no retained checkpoint references any more. */
  List<String> unregister(CheckpointMetadata checkpoint) {
    List<String> unreferenced = new ArrayList<>();
    for (StoredFile file : distinctShared(checkpoint)) {
      Counted counted = files.get(file.path());
      if (counted == null) {
        continue;
      }
      if (counted.references() <= 1) {
        files.remove(file.path());
        unreferenced.add(file.path());
      } else {
        files.put(file.path(), new Counted(counted.file(), counted.references() - 1));
      }
    }
    return unreferenced;
  }

  /** Returns the record of a referenced shared file, or null if no retained checkpoint lists it. */
  StoredFile lookup(String path) {
    Counted counted = files.get(path);
    return counted == null ? null : counted.file();
  }

  /** Returns whether a retained checkpoint lists {@code path}. */
  boolean isReferenced(String path) {
    return files.containsKey(path);
  }

  /** Returns the number of referenced shared files. */
  int size() {
    return files.size();
  }

  private static List<StoredFile> distinctShared(CheckpointMetadata checkpoint) {
    Map<String, StoredFile> distinct = new HashMap<>();
    for (StoredFile file : checkpoint.files()) {
      if (file.shared()) {
        distinct.putIfAbsent(file.path(), file);
      }
    }
    return List.copyOf(distinct.values());
  }
}
