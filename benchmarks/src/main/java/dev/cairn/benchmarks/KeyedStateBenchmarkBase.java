package dev.cairn.benchmarks;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What every keyed-state benchmark shares: the backend chosen by {@link #backend}, {@link #keys}
 * pre-boxed {@code Long} keys filled before measuring, and a fixed pseudo-random sequence of those
 * keys; every operation first sets its key as current (as Flink's state benchmarks do).
 *
 * <p>After filling (and, for RocksDB, flushing and compacting), one pass reads every key's state in
 * key order, so that measuring starts from the steady state in which the block cache holds the data
 * (it fits the 512 MiB budget). Without it the warm-up iterations are too short: random reads take
 * ~10 s to load map state's 1e7 entries into the cache, during which both Cairn's and Flink's map
 * iteration ran at a third of their steady rate, and the measurement caught whichever loaded faster.
 */
@State(Scope.Thread)
public abstract class KeyedStateBenchmarkBase {

  /** Elements per list and entries per map. */
  protected static final int COLLECTION_SIZE = 10;

  /** The backend, by adapter name: the Cairn jar knows {@code cairn-*}, the Flink jar {@code flink-*}. */
  @Param({"cairn-heap", "cairn-rocksdb"})
  public String backend;

  /** The number of distinct keys filled before measuring. */
  @Param("1000000")
  public int keys;

  /**
   * Whether Cairn's backends check the owner thread on every access ({@code
   * -Dcairn.state.ownerThreadCheck}); {@code -p ownerThreadCheck=true,false} measures the check. Each
   * value needs a fork of its own (the switch is read once per JVM): never with {@code -f 0}.
   */
  @Param("true")
  public boolean ownerThreadCheck;

  /**
   * Whether a full GC ({@code System.gc()}) moves the filled state to the old generation before
   * measuring (the default), as in an application whose long-lived state outlives the young
   * collections its records' allocations cause. Then every reference a write stores into the state
   * passes G1's write barrier and is re-scanned by its concurrent refinement, on both sides of a pair.
   * {@code -p oldGen=false} measures young-generation state, as the runs up to 2026-12-02-run2 did: an op
   * that allocates nothing then leaves the state of a big heap in the young generation for the whole
   * run, where stores skip that work, while an op that allocates (TTL's envelope) or a fill that
   * triggers young collections (maps with TTL) gets old-generation state either way.
   */
  @Param("true")
  public boolean oldGen;

  protected BackendAdapter adapter;
  private KeySequence sequence;
  /** What the warm pass read, kept so that no compiler can drop the reads. */
  public long warmed;

  @Setup
  public void setUpBackend() throws Exception {
    sequence = new KeySequence(keys);
    System.setProperty("cairn.state.ownerThreadCheck", String.valueOf(ownerThreadCheck));
    adapter = BackendAdapters.open(backend);
    register();
    for (Long key : sequence.all()) {
      adapter.setCurrentKey(key);
      fill(key);
    }
    adapter.compact();
    for (Long key : sequence.all()) {
      adapter.setCurrentKey(key);
      warmed += read();
    }
    if (oldGen) {
      System.gc();
    }
  }

  @TearDown
  public void tearDownBackend() throws Exception {
    adapter.close();
  }

  /** Registers the benchmark's state with {@link #adapter}. */
  protected abstract void register() throws Exception;

  /** Writes the initial state of {@code key}, which is the current key. */
  protected abstract void fill(Long key) throws Exception;

  /**
   * Reads the current key's state once, all of it, for the warm pass.
   *
   * @return something computed from what was read
   */
  protected abstract long read() throws Exception;

  /** Sets the next key of the random sequence as current and returns it. */
  protected final Long nextKey() {
    Long key = sequence.next();
    adapter.setCurrentKey(key);
    return key;
  }
}
