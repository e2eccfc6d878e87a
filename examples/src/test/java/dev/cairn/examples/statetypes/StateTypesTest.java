package dev.cairn.examples.statetypes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.examples.DemoOutput;
import dev.cairn.examples.statetypes.StateTypes.Purchase;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The five state kinds hold, per user, what plain collections computed from the same purchases hold. */
class StateTypesTest {

  /** Each user's five states, computed with plain collections, formatted as the example prints them. */
  private static Map<String, String> oracle() {
    Map<String, List<Purchase>> byUser = new TreeMap<>();
    for (Purchase p : StateTypes.PURCHASES) {
      byUser.computeIfAbsent(p.user(), u -> new ArrayList<>()).add(p);
    }
    Map<String, String> lines = new TreeMap<>();
    byUser.forEach((user, purchases) -> {
      List<String> items = purchases.stream().map(Purchase::item).toList();
      Map<String, Integer> units = new TreeMap<>();
      purchases.forEach(p -> units.merge(p.item(), p.units(), Integer::sum));
      long largest = purchases.stream().mapToLong(Purchase::amount).max().orElseThrow();
      double mean = purchases.stream().mapToLong(Purchase::amount).average().orElseThrow();
      lines.put(user, "purchases=" + purchases.size() + " items=" + items + " units=" + units + " largest=" + largest
          + " mean=" + String.format(Locale.ROOT, "%.2f", mean));
    });
    return lines;
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void eachBackend_holdsEveryUsersOwnState(String backend) {
    DemoOutput output = new DemoOutput();
    int code = StateTypes.run(new String[] {"--backend", backend}, output.out());

    assertThat(code).as(output.toString()).isZero();
    assertThat(output.toString()).contains("== " + backend + " backend ==");
    oracle().forEach((user, state) -> assertThat(output.toString()).contains("  " + user + ": " + state + "\n"));
    assertThat(output.toString())
        .contains("dave (no purchases): purchases=0 items=[] units={} largest=null mean=null")
        // event 5 is bob's second purchase: only bob's state shows, not alice's apples
        .contains("event 5: bob   buys 1 apple for  10 -> bob's state: purchases=2 items=[bread, apple]"
            + " units={apple=1, bread=1} largest=25 mean=17.50");
  }

  @Test
  void noArguments_runsBothBackendsAndComparesThem() {
    DemoOutput output = new DemoOutput();
    assertThat(StateTypes.run(new String[0], output.out())).as(output.toString()).isZero();
    assertThat(output.toString()).contains("== heap backend ==").contains("== rocksdb backend ==")
        .contains("heap and rocksdb end with the same state for every user");
  }

  @Test
  void badBackend_exitCode2WithUsage() {
    DemoOutput output = new DemoOutput();
    assertThat(StateTypes.run(new String[] {"--backend", "disk"}, output.out())).isEqualTo(2);
    assertThat(output.toString()).contains("--backend must be heap, rocksdb or both, got disk").contains("usage:");
  }
}
