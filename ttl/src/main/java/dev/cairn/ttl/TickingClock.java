package dev.cairn.ttl;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The clock to give {@link TtlStateBackend} in production: the system time, read once a millisecond
 * by a daemon thread ({@code cairn-ttl-clock}, one per JVM, started on first use) and handed out from
 * a field. Every TTL state access reads the clock; with {@link InstantSource#system()} that read ends
 * in an ordered read of the CPU's time-stamp counter, which waits until the loads before it have
 * completed, so the cache misses of one state lookup can no longer overlap those of the next: at 1e6
 * keys a heap {@code ValueState} get with a system-clock read added ran at 0.53–0.55× of one without
 * ({@code benchmarks/pair.sh}), and TTL get 1.23–1.60× faster with a clock that reads a field.
 *
 * <p>The time handed out lags the system clock by up to a tick plus however long the thread waits
 * to be scheduled (on an overloaded machine: longer; while the JVM is paused, the time stands still
 * and jumps on). For TTL that means entries expire up to that lag late, and entries written during it
 * carry a timestamp that much early. It follows the system clock, jumps back included, as {@link
 * InstantSource#system()} does. Tests should pass a clock they control instead.
 */
public final class TickingClock implements InstantSource {

  /** How often the thread reads the system clock. */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static final class Shared {
    static final TickingClock INSTANCE = new TickingClock();
  }

  private volatile long millis = System.currentTimeMillis();

  private TickingClock() {
    Thread ticker = new Thread(this::tick, "cairn-ttl-clock");
    ticker.setDaemon(true);
    ticker.start();
  }

  /** Returns the JVM's ticking clock, starting its thread on the first call. */
  public static TickingClock shared() {
    return Shared.INSTANCE;
  }

  private void tick() {
    while (true) { // a daemon: the JVM does not wait for it
      LockSupport.parkNanos(TICK_NANOS);
      Thread.interrupted(); // an interrupt ends one wait early; left set, it would end every wait (a busy loop)
      millis = System.currentTimeMillis();
    }
  }

  /** Returns the system time in milliseconds as last read by the clock's thread. */
  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public String toString() {
    return "TickingClock[" + TimeUnit.NANOSECONDS.toMillis(TICK_NANOS) + " ms]";
  }
}
