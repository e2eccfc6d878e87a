package dev.cairn.examples.runningcount;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One user action.
 *
 * @param user the user, the key of all state
 * @param action view, click or purchase
 * @param value a small amount
 */
public record Event(String user, String action, int value) {

  static final List<String> ACTIONS = List.of("view", "click", "purchase");

  /** Returns {@code count} random events over {@code users} users, the same for the same seed. */
  public static List<Event> generate(int count, int users, long seed) {
    Random random = new Random(seed);
    List<Event> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(
          new Event(
              "user_" + (1 + random.nextInt(users)),
              ACTIONS.get(random.nextInt(ACTIONS.size())),
              1 + random.nextInt(10)));
    }
    return events;
  }
}
