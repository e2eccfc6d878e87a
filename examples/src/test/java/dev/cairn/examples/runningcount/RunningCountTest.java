package dev.cairn.examples.runningcount;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.heap.HeapStateBackend;
import dev.cairn.state.serde.Serializers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RunningCountTest {

  @Test
  void summaries_generatedStream_matchPlainJavaComputation() {
    List<Event> events = Event.generate(5_000, 50, 7L);
    try (KeyedStateBackend<String> backend = HeapStateBackend.builder(Serializers.STRING).build()) {
      RunningCount job = new RunningCount(backend);
      events.forEach(job::process);

      assertThat(job.summaries()).isEqualTo(plainJava(events));
    }
  }

  @Test
  void main_defaultArguments_exitsZero() {
    assertThat(RunningCount.main(new String[0])).isZero();
  }

  /** The same computation with plain collections: the oracle. */
  private static Map<String, UserSummary> plainJava(List<Event> events) {
    Map<String, Long> count = new HashMap<>();
    Map<String, Long> sum = new HashMap<>();
    Map<String, List<Integer>> values = new HashMap<>();
    Map<String, Map<String, Long>> perAction = new HashMap<>();
    for (Event e : events) {
      count.merge(e.user(), 1L, Long::sum);
      sum.merge(e.user(), (long) e.value(), Long::sum);
      values.computeIfAbsent(e.user(), u -> new ArrayList<>()).add(e.value());
      perAction.computeIfAbsent(e.user(), u -> new HashMap<>()).merge(e.action(), 1L, Long::sum);
    }
    Map<String, UserSummary> result = new TreeMap<>();
    for (String user : count.keySet()) {
      List<Integer> all = values.get(user);
      result.put(
          user,
          new UserSummary(
              count.get(user),
              sum.get(user),
              all.subList(Math.max(0, all.size() - 5), all.size()),
              perAction.get(user)));
    }
    return result;
  }
}
