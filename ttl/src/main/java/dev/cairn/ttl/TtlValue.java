package dev.cairn.ttl;

/**
 * What the wrapped backend stores for one value, list element or map value: the user's value and
 * when it was last accessed (ms of the backend's clock). {@code value} is null only for map values.
 */
record TtlValue<T>(long lastAccess, T value) {}
