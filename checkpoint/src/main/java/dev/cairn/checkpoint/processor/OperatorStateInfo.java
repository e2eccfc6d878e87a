package dev.cairn.checkpoint.processor;

import dev.cairn.state.serde.TypeSerializerSnapshot;

/**
 * One operator list state of a checkpoint or savepoint, all participants' parts together.
 *
 * @param name its name
 * @param union whether it is a union list (given whole to every participant on restore) rather than
 *     a split one
 * @param serializer the element serializer's snapshot
 * @param elements the number of elements, over all participants
 */
public record OperatorStateInfo(String name, boolean union, TypeSerializerSnapshot<?> serializer, long elements) {}
