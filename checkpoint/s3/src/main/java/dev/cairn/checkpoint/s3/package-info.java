/**
 * Checkpoint storage in S3: {@link dev.cairn.checkpoint.s3.S3CheckpointStorage}, selected by {@code
 * s3://bucket/prefix} through {@link dev.cairn.checkpoint.s3.S3CheckpointStorageFactory}.
 */
package dev.cairn.checkpoint.s3;
