package dev.vigil.monitor.flag;

/** One entry of a prediction's top-k: class index, label and score. */
public record ClassScore(int index, String label, double score) {}
