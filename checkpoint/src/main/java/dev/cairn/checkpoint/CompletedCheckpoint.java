package dev.cairn.checkpoint;

/**
 * A checkpoint or savepoint whose {@code _metadata} is durable.
 *
 * @param checkpointId its id
 * @param location its directory, as a path or URI
 * @param savepoint whether it is a savepoint
 */
public record CompletedCheckpoint(long checkpointId, String location, boolean savepoint) {}
