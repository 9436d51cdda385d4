package dev.vigil.monitor.report;

/** A report could not be written to S3 or Kafka; the run is retried at the next fire or by hand. */
public final class PublishException extends Exception {
  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
