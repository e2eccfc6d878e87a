package dev.cairn.checkpoint.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The contract of the storage SPI that every {@link CheckpointStorage} passes unchanged (the local
 * directory here, S3 in {@code cairn-checkpoint-s3}): objects invisible until committed, read back
 * exactly, listed and deleted; the metadata commit exclusive under a race of two writers on two
 * independent clients; the lease exclusive. Subclasses say how to open a location.
 */
public abstract class CheckpointStorageContract {

  private static final AtomicInteger LOCATIONS = new AtomicInteger();

  /**
   * Opens the storage at location {@code name} (a fresh, empty one for a name not used before);
   * opening the same name twice must give two independent instances (clients) on the same place.
   */
  protected abstract CheckpointStorage open(String name) throws IOException;

  /** Objects larger than this exercise the storage's large-object path (S3: multipart). */
  protected int largeObjectBytes() {
    return 1 << 20;
  }

  /** How many objects the listing test writes (S3: more than one page of 1000). */
  protected int manyObjects() {
    return 50;
  }

  /** A location name unique in this JVM. */
  protected static String uniqueName(String what) {
    return what + "-" + LOCATIONS.incrementAndGet() + "-" + System.nanoTime() % 100_000;
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] read(CheckpointStorage storage, String name) throws IOException {
    try (InputStream in = storage.open(name)) {
      return in.readAllBytes();
    }
  }

  private static void write(CheckpointStorage storage, String name, byte[] content) throws IOException {
    CheckpointStorage.Output out = storage.create(name);
    out.write(content);
    out.commit();
  }

  @Test
  public void committedObject_isInvisibleUntilCommit_thenReadListedAndDeleted() throws Exception {
    try (CheckpointStorage storage = open(uniqueName("basic"))) {
      byte[] content = bytes(10_000, 1);
      CheckpointStorage.Output out = storage.create("chk-1/task-0.keyed-state");
      out.write(content, 0, 5000);
      out.write(content[5000]);
      out.write(content, 5001, content.length - 5001);
      assertThat(storage.exists("chk-1/task-0.keyed-state")).as("visible before commit").isFalse();
      out.commit();

      assertThat(storage.exists("chk-1/task-0.keyed-state")).isTrue();
      assertThat(storage.size("chk-1/task-0.keyed-state")).isEqualTo(content.length);
      assertThat(read(storage, "chk-1/task-0.keyed-state")).isEqualTo(content);
      assertThat(read(storage.child("chk-1"), "task-0.keyed-state")).isEqualTo(content);
      assertThat(storage.list("").directories()).containsExactly("chk-1");
      assertThat(storage.list("chk-1").files()).containsExactly("task-0.keyed-state");
      assertThat(storage.child("chk-1").list("").files()).containsExactly("task-0.keyed-state");
      assertThat(storage.list("nothing-here").files()).isEmpty();
      assertThat(storage.deletePrefix("chk-1")).as("not empty").isFalse();

      storage.delete("chk-1/task-0.keyed-state");
      storage.sync();
      assertThat(storage.exists("chk-1/task-0.keyed-state")).isFalse();
      storage.delete("chk-1/task-0.keyed-state"); // a no-op
      assertThat(storage.deletePrefix("chk-1")).isTrue();
      assertThat(storage.list("").directories()).doesNotContain("chk-1");
    }
  }

  @Test
  public void largeObject_roundTripsExactly() throws Exception {
    try (CheckpointStorage storage = open(uniqueName("large"))) {
      byte[] content = bytes(largeObjectBytes() + 12_345, 2);
      CheckpointStorage.Output out = storage.create("shared/large");
      for (int off = 0; off < content.length; off += 64 * 1024) {
        out.write(content, off, Math.min(64 * 1024, content.length - off));
      }
      out.commit();
      assertThat(storage.size("shared/large")).isEqualTo(content.length);
      assertThat(read(storage, "shared/large")).isEqualTo(content);
    }
  }

  @Test
  public void abortedObject_leavesNothing_evenWhenLarge() throws Exception {
    try (CheckpointStorage storage = open(uniqueName("abort"))) {
      CheckpointStorage.Output small = storage.create("chk-1/small");
      small.write(bytes(100, 3));
      small.abort();
      CheckpointStorage.Output large = storage.create("chk-1/large");
      large.write(bytes(largeObjectBytes() + 1, 4));
      large.abort();
      large.abort(); // idempotent
      assertThat(storage.exists("chk-1/small")).isFalse();
      assertThat(storage.exists("chk-1/large")).isFalse();
      assertThat(storage.list("chk-1").files()).noneMatch(f -> !LocalCheckpointStorage.isTemporary(f));
    }
  }

  @Test
  public void existingObject_isNeverReplaced() throws Exception {
    try (CheckpointStorage storage = open(uniqueName("exists"))) {
      write(storage, "chk-1/task-0.operator-state", "first".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> storage.create("chk-1/task-0.operator-state")).isInstanceOf(FileAlreadyExistsException.class);
      storage.commitMetadata("chk-1/_metadata", "one".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> storage.commitMetadata("chk-1/_metadata", "two".getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(FileAlreadyExistsException.class);
      assertThat(read(storage, "chk-1/_metadata")).asString(StandardCharsets.UTF_8).isEqualTo("one");
      assertThat(read(storage, "chk-1/task-0.operator-state")).asString(StandardCharsets.UTF_8).isEqualTo("first");
    }
  }

  @Test
  public void missingObject_failsNamingItsLocation() throws Exception {
    try (CheckpointStorage storage = open(uniqueName("missing"))) {
      assertThatThrownBy(() -> storage.open("chk-9/_metadata")).isInstanceOf(NoSuchFileException.class)
          .hasMessageContaining(storage.describe("chk-9/_metadata"));
      assertThatThrownBy(() -> storage.size("chk-9/_metadata")).isInstanceOf(NoSuchFileException.class);
      assertThat(storage.exists("chk-9/_metadata")).isFalse();
      assertThat(storage.describe("chk-9/_metadata")).startsWith(storage.describe("")).endsWith("chk-9/_metadata");
    }
  }

  @Test
  public void invalidNames_areRefused() throws Exception {
    try (CheckpointStorage storage = open(uniqueName("names"))) {
      for (String bad : List.of("", "/abs", "a/../b", "..", "a//b", "a b")) {
        assertThatThrownBy(() -> storage.create(bad)).as("'%s'", bad).isInstanceOf(IllegalArgumentException.class);
      }
      assertThatThrownBy(() -> storage.child("..")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  public void manyObjects_areAllListed() throws Exception {
    try (CheckpointStorage storage = open(uniqueName("many"))) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < manyObjects(); i++) {
        names.add(String.format("c1-%05d-x", i));
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> writes = new ArrayList<>();
        for (String name : names) {
          writes.add(pool.submit(() -> {
            write(storage, "shared/" + name, name.getBytes(StandardCharsets.UTF_8));
            return null;
          }));
        }
        for (Future<?> w : writes) {
          w.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(storage.list("shared").files()).containsExactlyInAnyOrderElementsOf(names);
      assertThat(storage.list("").directories()).containsExactly("shared");
    }
  }

  /** Two writers on two clients race to commit the same metadata: exactly one wins, every round. */
  @Test
  public void metadataCommit_isExclusiveUnderARaceOfTwoWriters() throws Exception {
    String location = uniqueName("race");
    try (CheckpointStorage a = open(location); CheckpointStorage b = open(location)) {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 1; round <= 20; round++) {
          String name = "chk-" + round + "/_metadata";
          CyclicBarrier start = new CyclicBarrier(2);
          List<Future<Boolean>> results = new ArrayList<>();
          for (CheckpointStorage writer : List.of(a, b)) {
            byte[] content = (writer == a ? "writer-a-" : "writer-b-").concat("" + round).getBytes(StandardCharsets.UTF_8);
            results.add(pool.submit(() -> {
              start.await(10, TimeUnit.SECONDS);
              try {
                writer.commitMetadata(name, content);
                return true;
              } catch (FileAlreadyExistsException e) {
                return false;
              }
            }));
          }
          boolean aWon = results.get(0).get(30, TimeUnit.SECONDS);
          boolean bWon = results.get(1).get(30, TimeUnit.SECONDS);
          assertThat(aWon ^ bWon).as("round %d: exactly one commit succeeds (a %s, b %s)", round, aWon, bWon).isTrue();
          String winner = aWon ? "writer-a-" : "writer-b-";
          assertThat(read(a, name)).asString(StandardCharsets.UTF_8).isEqualTo(winner + round);
          assertThat(read(b, name)).asString(StandardCharsets.UTF_8).isEqualTo(winner + round);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** A second holder is refused while the first holds the lease, and gets it once it is released. */
  @Test
  public void lease_isExclusive_andFreeAgainWhenReleased() throws Exception {
    String location = uniqueName("lease");
    try (CheckpointStorage a = open(location); CheckpointStorage b = open(location)) {
      AutoCloseable first = a.lease();
      assertThat(first).isNotNull();
      AutoCloseable second;
      try {
        second = b.lease();
      } catch (OverlappingFileLockException e) {
        second = null; // the local storage in one JVM
      }
      assertThat(second).as("a second lease while the first is held").isNull();
      first.close();
      AutoCloseable third = b.lease();
      assertThat(third).as("the lease after its release").isNotNull();
      third.close();
    }
  }
}
