package dev.vigil.cli.support;

import dev.vigil.config.ConfigException;
import picocli.CommandLine;

/**
 * The exit-code contract of every Vigil command, kept with scripts and orchestrators: {@code 0}
 * success, {@code 2} usage or configuration error (fix the command line or the YAML), {@code 1}
 * runtime failure (something outside the command went wrong).
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int RUNTIME_FAILURE = 1;
  public static final int USAGE = 2;

  private ExitCodes() {}

  /** {@link #USAGE} when the failure, or one of its causes, is the caller's to fix; else {@link #RUNTIME_FAILURE}. */
  public static int of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (isUsage(t)) {
        return USAGE;
      }
    }
    return RUNTIME_FAILURE;
  }

  static boolean isUsage(Throwable t) {
    return t instanceof ConfigException || t instanceof CommandLine.ParameterException || t instanceof BadInput;
  }
}
