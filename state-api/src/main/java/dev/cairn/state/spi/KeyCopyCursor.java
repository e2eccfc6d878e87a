package dev.cairn.state.spi;

import dev.cairn.state.KeyedStateBackend;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The cursor of a backend without {@link ScannableBackend}: rounds over a copy of {@code keys(state)},
 * taken when a round starts, every key passed on (one entry per key).
 */
final class KeyCopyCursor<K> implements StateCursor<K> {

  private final KeyedStateBackend<K> backend;
  private final String stateName;
  private Iterator<K> round = Collections.emptyIterator();
  private boolean roundStarted;

  KeyCopyCursor(KeyedStateBackend<K> backend, String stateName) {
    this.backend = backend;
    this.stateName = stateName;
  }

  @Override
  public int advance(int maxEntries, Predicate<Object> select, Consumer<? super K> selected) {
    StateCursor.checkMaxEntries(maxEntries);
    if (!roundStarted) {
      List<K> keys;
      try (Stream<K> stream = backend.keys(stateName)) {
        keys = stream.toList();
      }
      round = keys.iterator();
      roundStarted = true;
    }
    int visited = 0;
    while (visited < maxEntries && round.hasNext()) {
      selected.accept(round.next());
      visited++;
    }
    if (visited < maxEntries) {
      roundStarted = false; // the next call copies the keys again
    }
    return visited;
  }
}
