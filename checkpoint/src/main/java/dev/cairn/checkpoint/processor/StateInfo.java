package dev.cairn.checkpoint.processor;

import dev.cairn.state.StateKind;
import dev.cairn.state.serde.TypeSerializerSnapshot;

/**
 * One keyed state of a checkpoint or savepoint.
 *
 * @param name its name
 * @param kind its kind
 * @param keySerializer the snapshot of the key serializer the backend wrote with, or null when the
 *     snapshot format does not record it in a readable place (a backend's own format)
 * @param valueSerializer the snapshot of the value, element, reduced value or accumulator serializer
 * @param userKeySerializer the snapshot of the map key serializer for map state, otherwise null
 * @param entries the number of stored entries (one per key; one per map entry for map state), or -1
 *     when unknown (a backend's own format)
 * @param bytes the stored bytes of keys and values, or -1 when unknown
 */
public record StateInfo(
    String name,
    StateKind kind,
    TypeSerializerSnapshot<?> keySerializer,
    TypeSerializerSnapshot<?> valueSerializer,
    TypeSerializerSnapshot<?> userKeySerializer,
    long entries,
    long bytes) {}
