package dev.vigil.pipeline.alert;

import dev.vigil.alerts.HeatmapItem;
import dev.vigil.alerts.AlertSection;
import dev.vigil.monitor.chart.InputProjectionChart;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.signals.InputSignals;
import dev.vigil.monitor.signals.Screening;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The model-side signals in an alert: a section with the drift tests, the screening summary and
 * the embeddings' PCA picture, and each heatmap's screening verdict as its note.
 */
public final class SignalsSection {
  /** The section's id (HTML id, Content-ID stem). */
  public static final String ID = "input-signals";

  private SignalsSection() {}

  /** The section of {@code report}, or none when it has no model-side signals. */
  public static List<AlertSection> of(MonitorReport report) {
    InputSignals s = report.signals();
    if (s == null) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    if (s.mmdPValue() != null) {
      lines.add(String.format(Locale.ROOT, "Input drift (%s judges, limit p < %s): MMD^2 = %.5f, permutation p = %.4g;"
              + " BBSD p = %.4g. %d window inputs against %d baseline inputs, embeddings of %s (%d dimensions).",
          s.method().configName(), s.pValueLimit(), s.mmd2(), s.mmdPValue(), s.bbsdPValue(), s.windowSample(),
          s.baselineSample(), s.embeddingNode(), s.embeddingDimension()));
    } else {
      lines.add("Input drift not judged (see the input_drift check in the report): " + s.windowSample()
          + " window inputs read, " + s.baselineSample() + " in the baseline.");
    }
    if (s.unreadable() > 0) {
      lines.add(s.unreadable() + " sampled inputs could not be read through the model; e.g. " + s.unreadableExample());
    }
    if (s.squeezeThreshold() != null) {
      lines.add(String.format(Locale.ROOT, "Adversarial screening (feature squeezing): %d of %d flagged samples likely"
              + " adversarial (score above %.4f), limit %.0f%%.", s.likelyAdversarial(), s.screened(),
          s.squeezeThreshold(), 100 * s.adversarialShareMax()));
    }
    byte[] png = null;
    if (InputProjectionChart.available(report)) {
      try {
        png = InputProjectionChart.png(report);
      } catch (RuntimeException e) {
        png = null; // the figures still go out
      }
    }
    return List.of(new AlertSection(ID, "Model-side signals: input embeddings and adversarial screening", lines,
        List.of(), List.of(), png, "window and baseline input embeddings on their first two principal components"));
  }

  /** One line for a screened sample. */
  public static String note(Screening s) {
    return String.format(Locale.ROOT, "feature squeezing %.4f %s %.4f: %s", s.score(),
        s.likelyAdversarial() ? ">" : "<=", s.threshold(), s.likelyAdversarial() ? "likely adversarial" : "not flagged");
  }

  /** {@code items} with the screening verdict of their sample as note (by eventId). */
  public static List<HeatmapItem> withNotes(List<HeatmapItem> items, MonitorReport report) {
    Map<String, Screening> byEvent = new LinkedHashMap<>();
    for (FlaggedSample f : report.flaggedSamples()) {
      if (f.eventId() != null && f.screening() != null) {
        byEvent.putIfAbsent(f.eventId(), f.screening());
      }
    }
    if (byEvent.isEmpty()) {
      return items;
    }
    List<HeatmapItem> out = new ArrayList<>(items.size());
    for (HeatmapItem i : items) {
      Screening s = byEvent.get(i.eventId());
      out.add(s == null || i.note() != null ? i : new HeatmapItem(i.eventId(), i.predictedClass(), i.predictedLabel(),
          i.confidence(), i.top5(), i.overlayPng(), i.inputPng(), note(s)));
    }
    return out;
  }
}
