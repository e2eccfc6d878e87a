package dev.cairn.examples.runningcount;

import java.util.List;
import java.util.Map;

/**
 * What the running-count example knows about one user.
 *
 * @param count the number of events
 * @param sum the sum of the events' values
 * @param lastFive the last five values, oldest first
 * @param countsPerAction the number of events per action
 */
public record UserSummary(long count, long sum, List<Integer> lastFive, Map<String, Long> countsPerAction) {

  public UserSummary {
    lastFive = List.copyOf(lastFive);
    countsPerAction = Map.copyOf(countsPerAction);
  }
}
