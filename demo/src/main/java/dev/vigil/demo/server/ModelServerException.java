package dev.vigil.demo.server;

/** The demo model server could not start: a missing or unusable model, a taken port. */
public final class ModelServerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelServerException(String message) {
    super(message);
  }

  public ModelServerException(String message, Throwable cause) {
    super(message, cause);
  }
}
