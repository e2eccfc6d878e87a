package dev.cairn.state.spi;

import dev.cairn.state.serde.TypeSerializer;

/**
 * A serializer of values that carry a timestamp, such as TTL's envelopes (last-access time plus the
 * user's value): a value is a {@code long} timestamp and a payload. A backend that keeps objects may
 * store the timestamp apart from the payload (the heap backend keeps it in a {@code long[]} beside
 * its slots), so that reading or checking the timestamp does not load a separate envelope object and
 * a write does not retain one. A backend that does so must hand out values that are equal to what
 * was stored: {@code withTimestamp(timestamp(v), payload(v))} stands for {@code v}. Backends that
 * store bytes ignore this interface.
 *
 * @param <T> the type of the timestamped values
 */
public interface TimestampedSerializer<T> extends TypeSerializer<T> {

  /** Returns the timestamp of {@code value} (not null). */
  long timestamp(T value);

  /** Returns the rest of {@code value} (not null): what {@link #withTimestamp} takes back; may be null. */
  Object payload(T value);

  /** Returns the value made of {@code timestamp} and {@code payload} (a payload of this serializer's values). */
  T withTimestamp(long timestamp, Object payload);
}
