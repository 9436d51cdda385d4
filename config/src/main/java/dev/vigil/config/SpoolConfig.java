package dev.vigil.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The agent's disk spool ({@code agent.spool}): where captures wait while a sink is down
 * or the in-memory budget is full.
 *
 * @param directory spool directory (created when missing)
 * @param maxBytes cap on the spool's disk use; {@code 0} disables spooling
 */
public record SpoolConfig(Path directory, long maxBytes) {
  public SpoolConfig {
    Objects.requireNonNull(directory, "directory");
  }
}
