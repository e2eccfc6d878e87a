package dev.cairn.state.kit;

import org.junit.jupiter.api.Test;

/**
 * Random operation sequences over all five kinds, compared after every operation with a {@code
 * HashMap} oracle; snapshots are taken along the way, written later, restored into fresh backends
 * and compared with the oracle as it was at the snapshot. The seed is in every failure message;
 * {@code -Dcairn.kit.seed=N} replays other sequences.
 */
public interface ModelBasedContract extends KitSupport {

  @Test
  default void randomOperations_fewKeysManyOperationsEach_matchOracle() {
    new ModelRun(this, Long.getLong("cairn.kit.seed", 1L), 20, 1_000).run(5_000);
  }

  @Test
  default void randomOperations_hundredsOfKeys_matchOracle() {
    new ModelRun(this, Long.getLong("cairn.kit.seed", 2L), 300, 1_000).run(5_000);
  }

  @Test
  default void randomOperations_restoreEveryFewHundredOperations_matchOracle() {
    new ModelRun(this, Long.getLong("cairn.kit.seed", 3L), 100, 300).run(4_000);
  }
}
