package dev.vigil.demo.server;

/** The request body cannot be turned into a model input; answered with 400. */
final class BadRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  BadRequestException(String message) {
    super(message);
  }
}
