package dev.vigil.monitor.baseline;

/** A baseline that cannot be read or written; the message names the file and the fix. */
public final class BaselineException extends Exception {
  public BaselineException(String message, Throwable cause) {
    super(message, cause);
  }
}
