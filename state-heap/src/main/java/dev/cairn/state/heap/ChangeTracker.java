package dev.cairn.state.heap;

import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.StateMetaInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The incremental-snapshot bookkeeping of a heap backend, created at its first incremental snapshot
 * (or at a restore that continues a claimed chain). It keeps:
 *
 * <ul>
 *   <li>the <em>epochs</em>: the dirty sets each incremental snapshot's synchronous part took from
 *       the tables, oldest first, for every snapshot not yet covered by a completed checkpoint. A
 *       delta holds the keys of all of them, so that it covers every change since the last completed
 *       checkpoint, whatever was aborted or is still in flight;
 *   <li>the <em>confirmed</em> chain: the base and deltas of the last completed checkpoint, the only
 *       handles a snapshot may reference;
 *   <li>per snapshot in flight, the chain it wrote, promoted to confirmed when its checkpoint
 *       completes.
 * </ul>
 *
 * Used on the task thread, except {@link Pending#written}, set by the thread that writes the snapshot.
 */
final class ChangeTracker<K> {

  /**
   * A chain of shared files as a snapshot lists them.
   *
   * @param base the base's handle
   * @param deltas the deltas' handles, oldest first
   * @param metas the states the base and deltas hold, by name
   */
  record Chain(SharedFileHandle base, List<SharedFileHandle> deltas, Map<String, StateMetaInfo> metas) {

    Chain {
      deltas = List.copyOf(deltas);
      metas = Map.copyOf(metas);
    }

    /** A chain of just a base holding {@code states}. */
    static Chain base(SharedFileHandle base, List<StateMetaInfo> states) {
      return new Chain(base, List.of(), byName(states, Map.of()));
    }

    /** This chain with one more delta, which holds {@code states}. */
    Chain withDelta(SharedFileHandle delta, List<StateMetaInfo> states) {
      List<SharedFileHandle> longer = new ArrayList<>(deltas);
      longer.add(delta);
      return new Chain(base, longer, byName(states, metas));
    }

    long deltaBytes() {
      long total = 0;
      for (SharedFileHandle delta : deltas) {
        total += delta.size();
      }
      return total;
    }

    private static Map<String, StateMetaInfo> byName(List<StateMetaInfo> states, Map<String, StateMetaInfo> earlier) {
      Map<String, StateMetaInfo> all = new HashMap<>(earlier);
      for (StateMetaInfo state : states) {
        all.put(state.name(), state);
      }
      return all;
    }
  }

  /** The dirty sets one snapshot took: per table name, per key group (null: no dirty key). */
  record Epoch<K>(long checkpointId, Map<String, SlotMap<K, Object>[]> dirty) {}

  /** A snapshot in flight; {@link #written} is its chain once it was written. */
  static final class Pending {
    final long checkpointId;
    volatile Chain written;

    Pending(long checkpointId) {
      this.checkpointId = checkpointId;
    }
  }

  /**
   * What one incremental snapshot writes, decided at its synchronous part.
   *
   * @param pending where the written chain goes
   * @param previous the confirmed chain to extend with a delta, or null to write a new base
   * @param epochs the dirty sets the delta must cover (unused for a base)
   */
  record Plan<K>(Pending pending, Chain previous, List<Epoch<K>> epochs) {

    /** Returns the keys of {@code table} in the group at {@code index} changed in any epoch, once each. */
    List<K> dirtyKeys(String table, int index) {
      SlotMap<K, Object> only = null;
      Set<K> union = null;
      for (Epoch<K> epoch : epochs) {
        SlotMap<K, Object>[] groups = epoch.dirty().get(table);
        SlotMap<K, Object> keys = groups == null ? null : groups[index];
        if (keys == null) {
          continue;
        }
        if (only == null) {
          only = keys;
        } else {
          if (union == null) {
            union = new HashSet<>();
            addAll(only, union);
          }
          addAll(keys, union);
        }
      }
      if (union != null) {
        return new ArrayList<>(union);
      }
      List<K> list = new ArrayList<>(only == null ? 0 : only.size());
      if (only != null) {
        addAll(only, list);
      }
      return list;
    }

    private static <K> void addAll(SlotMap<K, Object> keys, Collection<K> into) {
      for (int pair = 0; pair < keys.capacity(); pair++) {
        K key = keys.keyAt(pair);
        if (key != null) {
          into.add(key);
        }
      }
    }
  }

  private final int maxDeltas;
  private final double maxDeltaRatio;
  private final List<Epoch<K>> epochs = new ArrayList<>();
  private final TreeMap<Long, Pending> pending = new TreeMap<>();
  private Chain confirmed;

  ChangeTracker(int maxDeltas, double maxDeltaRatio) {
    this.maxDeltas = maxDeltas;
    this.maxDeltaRatio = maxDeltaRatio;
  }

  /**
   * The synchronous part of an incremental snapshot: takes the tables' dirty sets as a new epoch and
   * decides between a delta on the confirmed chain and a new base. Independent of state size.
   *
   * @param tables the registered tables, all tracking
   * @param states the states the snapshot holds (registered or only restored)
   */
  Plan<K> plan(long checkpointId, Collection<StateTable<K>> tables, List<StateMetaInfo> states) {
    Map<String, SlotMap<K, Object>[]> dirty = new LinkedHashMap<>();
    for (StateTable<K> table : tables) {
      dirty.put(table.name, table.takeDirty());
    }
    epochs.add(new Epoch<>(checkpointId, dirty));
    Pending record = new Pending(checkpointId);
    pending.put(checkpointId, record);
    Chain previous = extendable(states) ? confirmed : null;
    return new Plan<>(record, previous, List.copyOf(epochs));
  }

  /**
   * Returns whether the next snapshot may add a delta to the confirmed chain: there is one, it is
   * below both compaction limits, and every state has the serializers the chain holds it with.
   */
  private boolean extendable(List<StateMetaInfo> states) {
    if (confirmed == null
        || confirmed.deltas().size() >= maxDeltas
        || confirmed.deltaBytes() > maxDeltaRatio * confirmed.base().size()) {
      return false;
    }
    for (StateMetaInfo state : states) {
      StateMetaInfo held = confirmed.metas().get(state.name());
      if (held != null && !held.equals(state)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The checkpoint completed: if it is an incremental snapshot of this backend that was written, its
   * chain becomes the confirmed one and the epochs it covered are dropped. Otherwise nothing
   * changes (keeping epochs only makes the next delta cover more).
   */
  void complete(long checkpointId) {
    Pending record = pending.get(checkpointId);
    Chain written = record == null ? null : record.written;
    if (written == null) {
      return;
    }
    confirmed = written;
    epochs.removeIf(epoch -> epoch.checkpointId() <= checkpointId);
    pending.headMap(checkpointId, true).clear();
  }

  /** The checkpoint will never complete: its files may not be referenced, its epoch stays. */
  void abort(long checkpointId) {
    pending.remove(checkpointId);
  }

  /** Starts over after a restore: continues {@code chain} if not null, else the next snapshot writes a base. */
  void restart(Chain chain) {
    confirmed = chain;
    epochs.clear();
    pending.clear();
  }

  /** Returns the confirmed chain, or null. */
  Chain confirmed() {
    return confirmed;
  }

  /** Returns the number of epochs kept. */
  int epochCount() {
    return epochs.size();
  }
}
