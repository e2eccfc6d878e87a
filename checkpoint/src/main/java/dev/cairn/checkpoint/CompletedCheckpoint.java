package dev.cairn.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint or savepoint whose {@code _metadata} is durable.
 *
 * @param checkpointId its id
 * @param directory its directory
 * @param savepoint whether it is a savepoint
 */
public record CompletedCheckpoint(long checkpointId, Path directory, boolean savepoint) {}
