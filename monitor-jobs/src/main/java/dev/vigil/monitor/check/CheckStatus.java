package dev.vigil.monitor.check;

/** Outcome of one check on one window. */
public enum CheckStatus {
  /** Judged and within its limit. */
  PASSED,
  /** Judged and outside its limit: there is a matching {@link Violation}. */
  VIOLATED,
  /**
   * Could not be judged: the output format carries no confidence, or no baseline is configured
   * for a baseline comparison. Never to be read as passing.
   */
  UNAVAILABLE,
  /** Not judged because the window holds fewer than {@code minRecords} predictions. */
  SKIPPED
}
