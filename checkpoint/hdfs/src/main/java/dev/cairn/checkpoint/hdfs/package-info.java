/**
 * Checkpoint storage in HDFS: {@link dev.cairn.checkpoint.hdfs.HdfsCheckpointStorage}, selected by {@code
 * hdfs://namenode:port/path} through {@link dev.cairn.checkpoint.hdfs.HdfsCheckpointStorageFactory}.
 */
package dev.cairn.checkpoint.hdfs;
