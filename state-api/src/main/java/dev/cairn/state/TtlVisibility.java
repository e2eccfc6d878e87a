package dev.cairn.state;

/** Whether an expired entry that was not cleaned up yet can still be read. */
public enum TtlVisibility {
  /**
   * An expired entry reads as absent (the default): results never depend on when cleanup ran.
   * {@code keys(state)} does not list a key whose state has all expired, {@code MapState.isEmpty()}
   * honours TTL, and a {@code ValueState} with a default returns the default.
   */
  NEVER_RETURN_EXPIRED,
  /**
   * An expired entry is returned, unchanged, until it is cleaned up (a read cleans it up right after
   * returning it). What a read returns then depends on when cleanup ran: it is the expired value or
   * nothing, never anything else. Expired data is never merged into new data: adding to an expired
   * reducing or aggregating state starts afresh.
   */
  RETURN_EXPIRED_IF_NOT_CLEANED_UP
}
