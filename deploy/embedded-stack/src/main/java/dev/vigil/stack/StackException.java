package dev.vigil.stack;

/**
 * A server of the embedded stack could not start or stop. The message is one line a person can
 * act on (for example {@code Kafka port 9092 on 127.0.0.1 is already in use; stop the other
 * process or pass --kafka-port}); the cause, when there is one, carries the details.
 */
public final class StackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StackException(String message) {
    super(message);
  }

  public StackException(String message, Throwable cause) {
    super(message, cause);
  }
}
