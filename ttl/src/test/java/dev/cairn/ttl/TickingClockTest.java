package dev.cairn.ttl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TickingClockTest {

  @Test
  void handsOutTheSystemTime_andFollowsIt() throws InterruptedException {
    TickingClock clock = TickingClock.shared();
    long before = System.currentTimeMillis();
    long read = clock.millis();
    long after = System.currentTimeMillis();
    // lags by a tick plus scheduling: generous bounds, a loaded CI machine may delay the thread
    assertThat(read).isBetween(before - 1_000, after);
    assertThat(clock.instant().toEpochMilli()).isGreaterThanOrEqualTo(read);

    long deadline = System.nanoTime() + 5_000_000_000L;
    long start = clock.millis();
    while (clock.millis() < start + 20 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(clock.millis()).as("the clock moves on").isGreaterThanOrEqualTo(start + 20);
  }

  @Test
  void oneSharedClock_onADaemonThread() {
    assertThat(TickingClock.shared()).isSameAs(TickingClock.shared());
    Thread ticker = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("cairn-ttl-clock")).findFirst().orElseThrow();
    assertThat(ticker.isDaemon()).as("the JVM must not wait for it").isTrue();
    assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("cairn-ttl-clock")))
        .hasSize(1);
  }

  @Test
  void anInterruptedTickerDoesNotSpin() throws InterruptedException {
    TickingClock clock = TickingClock.shared();
    Thread ticker = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("cairn-ttl-clock")).findFirst().orElseThrow();
    ticker.interrupt();
    int runnable = 0;
    for (int i = 0; i < 200; i++) { // a spinning thread is nearly always runnable, a ticking one nearly always parked
      if (ticker.getState() == Thread.State.RUNNABLE) {
        runnable++;
      }
      Thread.sleep(1);
    }
    assertThat(runnable).as("samples of 200 that found the ticker running").isLessThan(100);
    long start = clock.millis();
    Thread.sleep(50);
    assertThat(clock.millis()).as("still ticking after the interrupt").isGreaterThan(start);
  }
}
