package dev.vigil.config;

import com.fasterxml.jackson.annotation.JsonValue;

/** Which two-sample test judges {@code input_drift} ({@code saliency.signals.driftMethod}). */
public enum InputDriftMethod implements ConfigName {
  /** MMD^2 of the penultimate embeddings, RBF kernel (median heuristic), permutation p-value. */
  MMD("mmd"),
  /** Kolmogorov-Smirnov per soft-max dimension, Bonferroni-corrected (black-box shift detection). */
  BBSD("bbsd");

  private final String configName;

  InputDriftMethod(String configName) {
    this.configName = configName;
  }

  @JsonValue
  @Override
  public String configName() {
    return configName;
  }
}
