package dev.cairn.checkpoint.processor;

import java.util.List;

/**
 * The bytes of one entry of a canonical snapshot, as its serializers wrote them: what tools compare
 * and copy without knowing the types.
 *
 * @param keyGroup the key group it is stored in
 * @param key the key's bytes
 * @param userKey the map key's bytes for map state, otherwise null
 * @param value the value's bytes (value, reducing, aggregating and map state; null for a map key mapped
 *     to null and for list state)
 * @param elements the elements' bytes for list state (at least one), otherwise null
 */
public record StateEntry(int keyGroup, byte[] key, byte[] userKey, byte[] value, List<byte[]> elements) {}
