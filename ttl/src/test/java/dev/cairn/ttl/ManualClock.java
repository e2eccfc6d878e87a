package dev.cairn.ttl;

import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when told to. */
final class ManualClock implements InstantSource {

  private long millis;

  ManualClock(long millis) {
    this.millis = millis;
  }

  void advance(long delta) {
    millis += delta;
  }

  void set(long millis) {
    this.millis = millis;
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }
}
