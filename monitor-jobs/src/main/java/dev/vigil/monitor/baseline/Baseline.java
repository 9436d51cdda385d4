package dev.vigil.monitor.baseline;

import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.stats.WindowStatistics;
import java.util.Objects;

/**
 * A reference window and the limits windows are held to.
 *
 * @param statistics the reference window's statistics ({@code statistics.json})
 * @param constraints the limits ({@code constraints.json}, editable)
 */
public record Baseline(WindowStatistics statistics, Constraints constraints) {
  public Baseline {
    Objects.requireNonNull(statistics, "statistics");
    Objects.requireNonNull(constraints, "constraints");
  }
}
