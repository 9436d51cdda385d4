package dev.vigil.monitor.window;

/** The capture store could not be read (unreachable, access denied); says which and what to check. */
public final class WindowReadException extends Exception {
  public WindowReadException(String message, Throwable cause) {
    super(message, cause);
  }
}
