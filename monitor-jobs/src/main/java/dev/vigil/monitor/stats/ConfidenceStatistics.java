package dev.vigil.monitor.stats;

import java.util.List;
import java.util.Map;

/**
 * Top-1 confidence figures of a window. Every value is null when the output format carries no
 * confidence ({@code available == false}): the checks then report "unavailable", not "passed".
 *
 * @param available whether the predictions carried confidences
 * @param lowThreshold the threshold {@code t} used by the two "below" shares
 * @param mean mean top-1 confidence
 * @param quantiles top-1 confidence quantiles {@code p01 p05 p25 p50 p75 p95 p99}, read from a
 *     {@value StatisticsAccumulator#QUANTILE_BINS}-bin histogram (error at most 1 / bins)
 * @param shareTop1Below share of predictions with top-1 {@code < t}
 * @param shareTop3AllBelow share of predictions whose top-1, top-2 and top-3 scores are all {@code
 *     < t} (present scores only)
 * @param meanMargin mean {@code top1 - top2} (predictions with at least two scores)
 * @param meanEntropy mean Shannon entropy in nats (predictions with a whole distribution), null if none
 * @param histogram top-1 confidence counts in {@value StatisticsAccumulator#CHART_BINS} equal bins over [0, 1]
 */
public record ConfidenceStatistics(
    boolean available,
    double lowThreshold,
    Double mean,
    Map<String, Double> quantiles,
    Double shareTop1Below,
    Double shareTop3AllBelow,
    Double meanMargin,
    Double meanEntropy,
    List<Long> histogram) {}
