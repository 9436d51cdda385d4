package dev.vigil.monitor.baseline;

import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.signals.BaselineSignals;
import dev.vigil.monitor.stats.WindowStatistics;
import java.util.Objects;

/**
 * A reference window and the limits windows are held to.
 *
 * @param statistics the reference window's statistics ({@code statistics.json})
 * @param constraints the limits ({@code constraints.json}, editable)
 * @param signals the model's embeddings of a sample of its inputs and the screening threshold
 *     ({@code signals.json}), null when the baseline was built without model-side signals
 */
public record Baseline(WindowStatistics statistics, Constraints constraints, BaselineSignals signals) {
  public Baseline {
    Objects.requireNonNull(statistics, "statistics");
    Objects.requireNonNull(constraints, "constraints");
  }

  /** A baseline without model-side signals. */
  public Baseline(WindowStatistics statistics, Constraints constraints) {
    this(statistics, constraints, null);
  }
}
