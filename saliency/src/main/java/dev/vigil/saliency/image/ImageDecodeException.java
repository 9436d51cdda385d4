package dev.vigil.saliency.image;

/**
 * An input that is not a usable image or tensor. The message names the input and what is wrong
 * with it, in one line, so a CLI can print it as is; it is a bad-input error, not a runtime one.
 */
public final class ImageDecodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ImageDecodeException(String message) {
    super(message);
  }

  public ImageDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
