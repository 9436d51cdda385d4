package dev.vigil.config;

import java.util.Objects;

/**
 * Drift of the predicted-class distribution ({@code monitor.thresholds.drift}).
 *
 * @param method the distance measured against the baseline
 * @param limit a violation when the distance exceeds this (chi-square: when its p-value is below)
 */
public record DriftConfig(DriftMethod method, double limit) {
  public DriftConfig {
    Objects.requireNonNull(method, "method");
  }
}
