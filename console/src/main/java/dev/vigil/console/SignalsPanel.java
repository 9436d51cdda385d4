package dev.vigil.console;

import static dev.vigil.alerts.Text.html;

import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportKeys;
import dev.vigil.monitor.signals.InputSignals;
import dev.vigil.monitor.signals.Screening;
import java.util.Locale;

/** A window's model-side signals (input drift, adversarial screening) on its console page. */
final class SignalsPanel {
  private SignalsPanel() {}

  /** The section, or nothing when the window has no model-side signals. */
  static String render(MonitorReport r, String files) {
    InputSignals s = r.signals();
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder("<h2 id=\"input-signals\">Model-side signals</h2>\n<p>");
    if (s.mmdPValue() != null) {
      b.append(html(String.format(Locale.ROOT, "Input drift of the embeddings (%s, %d dimensions): MMD^2 = %.5f,"
              + " permutation p = %.4g; BBSD p = %.4g; %d window inputs against %d baseline inputs; judged by %s,"
              + " limit p < %s.", s.embeddingNode(), s.embeddingDimension(), s.mmd2(), s.mmdPValue(), s.bbsdPValue(),
          s.windowSample(), s.baselineSample(), s.method().configName(), s.pValueLimit())));
    } else {
      b.append(html("Input drift not judged: see the input_drift check below."));
    }
    b.append("</p>\n");
    if (s.squeezeThreshold() != null) {
      b.append("<p>").append(html(String.format(Locale.ROOT, "Adversarial screening: %d of %d flagged samples likely"
              + " adversarial (feature-squeezing score above %.4f).", s.likelyAdversarial(), s.screened(),
          s.squeezeThreshold()))).append("</p>\n");
    }
    if (s.projection() != null) {
      b.append("<figure><img id=\"input-embeddings\" loading=\"lazy\" alt=\"input embeddings on two principal"
          + " components\" src=\"").append(html(files + ReportKeys.INPUT_EMBEDDINGS_PNG)).append("\" style=\"max-width:100%\">")
          .append("<figcaption>Window and baseline embeddings on their first two principal components</figcaption>")
          .append("</figure>\n");
    }
    return b.toString();
  }

  /** A flagged sample's screening verdict, or nothing. */
  static String verdict(Screening s) {
    if (s == null) {
      return "";
    }
    return "<p class=\"screening" + (s.likelyAdversarial() ? " likely-adversarial" : "") + "\">"
        + html(String.format(Locale.ROOT, "feature squeezing %.4f (threshold %.4f): likely_adversarial %s",
            s.score(), s.threshold(), s.likelyAdversarial()))
        + "</p>";
  }
}
