package dev.cairn.state.rocksdb;

import dev.cairn.state.StateException;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * Thrown when RocksDB itself fails (corruption, no space left, an I/O error). The message names the
 * state (when there is one), the operation, and RocksDB's status; the {@link RocksDBException} is the
 * cause.
 */
public sealed class RocksDbStateException extends StateException permits RocksDbNoSpaceException {

  private static final long serialVersionUID = 1L;

  private final String statusCode;

  RocksDbStateException(String operation, String stateName, RocksDBException cause) {
    this(message(operation, stateName, cause), cause);
  }

  RocksDbStateException(String message, RocksDBException cause) {
    super(message, cause);
    Status status = cause.getStatus();
    this.statusCode = status == null ? null : status.getCodeString();
  }

  /** Returns RocksDB's status code ("IOError", "Corruption", ...), or null if RocksDB gave none. */
  public String statusCode() {
    return statusCode;
  }

  static String message(String operation, String stateName, RocksDBException cause) {
    String what = stateName == null ? operation : operation + " of state '" + stateName + "'";
    Status status = cause.getStatus();
    String message = cause.getMessage();
    String detail = status == null || status.getCodeString().equals(message)
        ? message
        : status.getCodeString() + ": " + message;
    return "RocksDB failed to " + what + " (" + detail + ")";
  }
}
