package dev.vigil.monitor.output;

/** A response body that does not hold predictions in the configured format; says what was found. */
public final class OutputParseException extends Exception {
  public OutputParseException(String message) {
    super(message);
  }

  public OutputParseException(String message, Throwable cause) {
    super(message, cause);
  }
}
