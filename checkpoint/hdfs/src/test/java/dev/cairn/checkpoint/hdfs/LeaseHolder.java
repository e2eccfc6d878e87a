package dev.cairn.checkpoint.hdfs;

import dev.cairn.checkpoint.storage.CheckpointStorage;

/**
 * "Another machine" for the lease tests: a JVM that takes the lease of the location in its first
 * argument, prints {@code held} and waits to be killed.
 */
public final class LeaseHolder {

  private LeaseHolder() {}

  public static void main(String[] args) throws Exception {
    CheckpointStorage storage = CheckpointStorage.forLocation(args[0]);
    AutoCloseable lease = storage.lease();
    System.out.println(lease == null ? "refused" : "held");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
