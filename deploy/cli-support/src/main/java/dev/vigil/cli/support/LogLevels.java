package dev.vigil.cli.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Loggers lowered while a command draws progress bars or keeps stderr to its one-line contract:
 * INFO lines would break a bar redrawn in place. {@code VIGIL_LOG_LEVEL} keeps Vigil's own loggers
 * ({@code dev.vigil.*}) where the user put them.
 */
public final class LogLevels implements AutoCloseable {
  private final Map<String, Level> before = new HashMap<>();

  private LogLevels() {}

  /**
   * Sets each logger's level ({@code "WARN"}, {@code "ERROR"}: logback's names, so callers need not
   * see logback); {@link #close} puts the old ones back.
   */
  public static LogLevels lower(Map<String, String> levels) {
    LogLevels lowered = new LogLevels();
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      levels.forEach((name, level) -> {
        if (!name.startsWith("dev.vigil") || System.getenv("VIGIL_LOG_LEVEL") == null) {
          lowered.before.put(name, context.getLogger(name).getLevel());
          context.getLogger(name).setLevel(Level.toLevel(level));
        }
      });
    }
    return lowered;
  }

  @Override
  public void close() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      before.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }
  }
}
