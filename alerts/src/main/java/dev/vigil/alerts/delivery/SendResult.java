package dev.vigil.alerts.delivery;

import java.util.Objects;

/**
 * What a channel's server said about one delivery attempt.
 *
 * @param status accepted, try again later, or refused for good
 * @param detail the server's words or the failure, for the log and the outbox state file
 */
public record SendResult(Status status, String detail) {

  /** Outcome of one attempt. */
  public enum Status {
    /** The server took it: recorded in the outbox, never sent again. */
    ACCEPTED,
    /** Connection failed, server down or busy: retried with backoff. */
    RETRY,
    /** The server refused it permanently (5xx, 4xx): kept under {@code rejected/}, not retried. */
    REJECTED
  }

  public SendResult {
    Objects.requireNonNull(status, "status");
    detail = Objects.requireNonNullElse(detail, "");
  }

  public static SendResult accepted(String detail) {
    return new SendResult(Status.ACCEPTED, detail);
  }

  public static SendResult retry(String detail) {
    return new SendResult(Status.RETRY, detail);
  }

  public static SendResult rejected(String detail) {
    return new SendResult(Status.REJECTED, detail);
  }
}
