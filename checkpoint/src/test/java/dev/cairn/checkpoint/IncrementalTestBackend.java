package dev.cairn.checkpoint;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.KeyedStateFunction;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.State;
import dev.cairn.state.StateDescriptor;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.SnapshotOutput;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A test-only backend that drives the coordinator's shared-state registry the way a native
 * incremental backend (RocksDB) does. Its logical state is a few "slots", each a version number; a
 * slot of version v is stored as a file whose content encodes (slot, version) and a pseudo-random
 * payload derived from them, with a checksum. An {@link SnapshotMode#INCREMENTAL} snapshot stores
 * every slot as a shared entry {@code s<i>}: a slot changed since the last completed checkpoint is
 * written anew ({@link SnapshotOutput#writeShared}); an unchanged one is referenced ({@link
 * SnapshotOutput#referenceShared}) or, chosen by a seeded {@link Random}, written again. A private
 * {@code manifest} lists every slot's version and a checksum of them all. A canonical snapshot stores
 * every slot as a private stream. Restore reads every entry and checks it is exactly what was
 * written; {@link #slots()} then returns the state.
 *
 * <p>Handles are promoted only in {@link #notifyCheckpointComplete}, taken from {@link
 * SnapshotInput#sharedHandle} after a claim restore. Only what the coordinator calls is implemented.
 */
final class IncrementalTestBackend implements KeyedStateBackend<Long>, Snapshotable {

  static final String FORMAT = "cairn-test-incremental";
  static final String MANIFEST = "manifest";

  /** A stored slot: its version and the handle of the shared file that holds it. */
  record Stored(long version, SharedFileHandle handle) {}

  private final KeyGroupRange range;
  private final int maxParallelism;
  private final Random random;
  /** The probability of re-writing an unchanged slot instead of referencing it; tests may change it. */
  volatile double rewriteUnchanged;
  /** Asynchronous parts wait on these, by checkpoint id, after writing every entry (tests order checkpoints). */
  final Map<Long, java.util.concurrent.CountDownLatch> gates = new ConcurrentHashMap<>();
  /** Asynchronous parts wait on these, by checkpoint id, before writing anything. */
  final Map<Long, java.util.concurrent.CountDownLatch> startGates = new ConcurrentHashMap<>();
  private final long[] slots;
  /** What each snapshot stored, by checkpoint id, until it completes or is aborted. */
  private final Map<Long, Map<Integer, Stored>> written = new ConcurrentHashMap<>();
  /** The slot states frozen by each snapshot's synchronous part, by checkpoint id (every id ever taken). */
  private final Map<Long, long[]> frozen;
  /** The shared files of the last completed checkpoint (or of a claimed restore), by slot. */
  private volatile Map<Integer, Stored> lastCompleted = Map.of();
  private long lastCompletedId = -1;
  /** Runs at the start of every synchronous part, with the checkpoint id (tests order threads with it). */
  volatile java.util.function.LongConsumer onSnapshot = id -> {};
  /** The id of the last snapshot taken. */
  volatile long lastSnapshotId = -1;
  private boolean restored;
  private boolean closed;
  /** Counts of what snapshots did, for assertions that the test really exercised sharing. */
  final java.util.concurrent.atomic.AtomicLong sharedWrites = new java.util.concurrent.atomic.AtomicLong();
  final java.util.concurrent.atomic.AtomicLong sharedReferences = new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param range the key groups this backend owns (of max parallelism 128)
   * @param slotCount the number of slots (files of a full snapshot)
   * @param seed seeds the choice between re-writing and referencing an unchanged slot
   * @param rewriteUnchanged the probability of re-writing an unchanged slot instead of referencing it
   * @param frozen where to record the slots of every snapshot taken (shared across restarts by tests)
   */
  IncrementalTestBackend(
      KeyGroupRange range, int slotCount, long seed, double rewriteUnchanged, Map<Long, long[]> frozen) {
    this.range = range;
    this.maxParallelism = 128;
    this.random = new Random(seed);
    this.rewriteUnchanged = rewriteUnchanged;
    this.slots = new long[slotCount];
    this.frozen = frozen;
  }

  /** Changes {@code count} random slots (bumps their versions); call on the task thread. */
  void mutate(Random r, int count) {
    for (int i = 0; i < count; i++) {
      slots[r.nextInt(slots.length)]++;
    }
  }

  /** Returns a copy of the current slot versions. */
  long[] slots() {
    return slots.clone();
  }

  // ---------------------------------------------------------------- file contents

  /** The payload of a slot's file: (slot, version), a pseudo-random body derived from them, its CRC. */
  static byte[] content(int slot, long version) {
    Random r = new Random(slot * 1_000_003L + version);
    byte[] body = new byte[16 + r.nextInt(200)];
    r.nextBytes(body);
    CRC32C crc = new CRC32C();
    crc.update(body);
    var bytes = new java.io.ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(slot);
      out.writeLong(version);
      out.writeInt(body.length);
      out.write(body);
      out.writeInt((int) crc.getValue());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }

  static int checksum(long[] slots) {
    CRC32C crc = new CRC32C();
    for (long s : slots) {
      crc.update(java.nio.ByteBuffer.allocate(8).putLong(s).array());
    }
    return (int) crc.getValue();
  }

  private static byte[] readAll(SnapshotInput input, String name) throws IOException {
    try (InputStream in = input.openStream(name)) {
      return in.readAllBytes();
    }
  }

  private static void await(java.util.concurrent.CountDownLatch gate) throws IOException {
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException();
      }
    }
  }

  // ---------------------------------------------------------------- Snapshotable

  @Override
  public StateSnapshot snapshot(long checkpointId, SnapshotMode mode) {
    if (closed) {
      throw new dev.cairn.state.BackendClosedException("closed");
    }
    onSnapshot.accept(checkpointId);
    long[] state = slots.clone();
    frozen.put(checkpointId, state.clone());
    lastSnapshotId = checkpointId;
    Map<Integer, Stored> base = lastCompleted; // frozen with the state: the last completed checkpoint's files
    // the choices are made here, on the task thread, so that they follow the seed whatever the threads do
    boolean[] rewrite = new boolean[state.length];
    for (int i = 0; i < state.length; i++) {
      rewrite[i] = random.nextDouble() < rewriteUnchanged;
    }
    return new StateSnapshot() {
      private boolean used;

      @Override
      public long checkpointId() {
        return checkpointId;
      }

      @Override
      public SnapshotResult writeTo(SnapshotOutput output) throws IOException {
        if (used) {
          throw new IllegalStateException("written twice");
        }
        used = true;
        await(startGates.get(checkpointId));
        List<String> names = new ArrayList<>();
        Map<Integer, Stored> stored = new HashMap<>();
        for (int i = 0; i < state.length; i++) {
          String name = "s" + i;
          byte[] bytes = content(i, state[i]);
          if (mode == SnapshotMode.CANONICAL) {
            try (OutputStream out = output.createStream(name)) {
              out.write(bytes);
            }
          } else {
            Stored previous = base.get(i);
            if (previous != null && previous.version() == state[i] && !rewrite[i]) {
              output.referenceShared(name, previous.handle());
              stored.put(i, previous);
              sharedReferences.incrementAndGet();
            } else {
              SharedFileHandle handle = output.writeShared(name, out -> out.write(bytes));
              stored.put(i, new Stored(state[i], handle));
              sharedWrites.incrementAndGet();
            }
          }
          names.add(name);
        }
        try (DataOutputStream out = new DataOutputStream(output.createStream(MANIFEST))) {
          out.writeInt(state.length);
          for (long s : state) {
            out.writeLong(s);
          }
          out.writeInt(checksum(state));
        }
        names.add(MANIFEST);
        if (mode == SnapshotMode.INCREMENTAL) {
          written.put(checkpointId, stored);
        }
        await(gates.get(checkpointId));
        return new SnapshotResult(FORMAT, names, List.of(), -1);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void restore(Collection<SnapshotInput> inputs) {
    if (restored) {
      throw new IllegalStateException("restored twice");
    }
    if (inputs.size() != 1) {
      throw new SnapshotException("expected one snapshot, got " + inputs.size());
    }
    SnapshotInput input = inputs.iterator().next();
    if (!FORMAT.equals(input.format())) {
      throw new SnapshotException("format " + input.format() + " of " + input.description());
    }
    try {
      DataInputStream manifest = new DataInputStream(new java.io.ByteArrayInputStream(readAll(input, MANIFEST)));
      int n = manifest.readInt();
      if (n != slots.length) {
        throw new SnapshotException(n + " slots in " + input.description() + ", expected " + slots.length);
      }
      long[] state = new long[n];
      for (int i = 0; i < n; i++) {
        state[i] = manifest.readLong();
      }
      if (manifest.readInt() != checksum(state) || manifest.read() != -1) {
        throw new SnapshotException("manifest checksum mismatch in " + input.description());
      }
      Map<Integer, Stored> handles = new HashMap<>();
      for (int i = 0; i < n; i++) {
        byte[] actual = readAll(input, "s" + i);
        if (!Arrays.equals(actual, content(i, state[i]))) {
          throw new SnapshotException("slot " + i + " of " + input.description() + " does not hold version " + state[i]);
        }
        int slot = i;
        input.sharedHandle("s" + i).ifPresent(h -> handles.put(slot, new Stored(state[slot], h)));
      }
      System.arraycopy(state, 0, slots, 0, n);
      lastCompleted = Map.copyOf(handles);
      restored = true;
    } catch (IOException e) {
      throw new SnapshotException("cannot read " + input.description() + ": " + e, e);
    }
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    if (checkpointId <= lastCompletedId) {
      throw new AssertionError("completion of " + checkpointId + " after " + lastCompletedId);
    }
    Map<Integer, Stored> stored = written.remove(checkpointId);
    if (stored != null) {
      lastCompleted = Map.copyOf(stored);
      lastCompletedId = checkpointId;
    }
    written.keySet().removeIf(id -> id < checkpointId);
  }

  @Override
  public void notifyCheckpointAborted(long checkpointId) {
    written.remove(checkpointId);
  }

  // ---------------------------------------------------------------- KeyedStateBackend (what the coordinator uses)

  @Override
  public int maxParallelism() {
    return maxParallelism;
  }

  @Override
  public KeyGroupRange keyGroupRange() {
    return range;
  }

  @Override
  public TypeSerializer<Long> keySerializer() {
    return Serializers.LONG;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public void setCurrentKey(Long key) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Long getCurrentKey() {
    throw new UnsupportedOperationException();
  }

  @Override
  public int getCurrentKeyGroup() {
    throw new UnsupportedOperationException();
  }

  @Override
  public <S extends State> S getState(StateDescriptor<S> descriptor) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Stream<Long> keys(String stateName) {
    throw new UnsupportedOperationException();
  }

  @Override
  public <S extends State> void applyToAllKeys(StateDescriptor<S> descriptor, KeyedStateFunction<Long, S> function) {
    throw new UnsupportedOperationException();
  }
}
