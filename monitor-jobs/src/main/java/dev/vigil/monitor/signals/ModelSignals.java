package dev.vigil.monitor.signals;

import dev.vigil.config.InputDriftMethod;
import dev.vigil.config.SignalsConfig;
import dev.vigil.monitor.check.CheckResult;
import dev.vigil.monitor.check.CheckStatus;
import dev.vigil.monitor.check.Severity;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.check.ViolationType;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.report.MonitorReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Adds the model-side signals to a window's report: {@code input_drift} (the window's sample of
 * embeddings against the baseline's: MMD^2 and BBSD, {@link Mmd}, {@link Bbsd}) and {@code
 * adversarial_inputs} (feature-squeezing screening of the flagged samples against the baseline's
 * threshold), with the PCA picture's points. The model is read through {@link ModelProbe}; every
 * statistic here is model-independent.
 *
 * <p>A failing probe costs these two checks (reported unavailable with the reason), never the
 * window's report.
 */
public final class ModelSignals {
  /** Fewest readable inputs per sample for a drift test. */
  public static final int MIN_SAMPLE = 10;
  static final String EMBEDDINGS = "embeddings";
  static final String SOFTMAX = "softmax";
  static final String FLAGGED = "flagged_samples";

  private final ModelProbe probe;
  private final SignalsConfig config;
  private final BaselineSignals baseline; // null: drift and screening unavailable

  /**
   * @param baselineOrNull the baseline's signals ({@code signals.json}), or null
   */
  public ModelSignals(ModelProbe probe, SignalsConfig config, BaselineSignals baselineOrNull) {
    this.probe = Objects.requireNonNull(probe, "probe");
    this.config = Objects.requireNonNull(config, "config");
    this.baseline = baselineOrNull;
  }

  public SignalsConfig config() {
    return config;
  }

  public ModelProbe probe() {
    return probe;
  }

  /** A sampler for one reading thread of a window. */
  public InputSampler sampler() {
    return new InputSampler(config.sampleSize(), config.seed());
  }

  /**
   * The baseline's signals from its sample: read with screening, threshold calibrated at {@code
   * falsePositiveRate}.
   */
  public BaselineSignals baseline(List<SampledInput> sample) {
    ModelReadings r = probe.read(sample, true);
    return BaselineSignals.calibrate(truncate(r), probe.embeddingNode(), probe.modelSha256(),
        config.falsePositiveRate());
  }

  /** {@code report} with the two checks, their violations and the flagged samples' screening added. */
  public MonitorReport apply(MonitorReport report, List<SampledInput> sample) {
    List<CheckResult> checks = new ArrayList<>(report.checks());
    List<Violation> violations = new ArrayList<>(report.violations());
    List<FlaggedSample> flagged = new ArrayList<>(report.flaggedSamples());

    ModelReadings window;
    String failure = null;
    try {
      window = truncate(probe.read(sample, false));
    } catch (RuntimeException e) {
      window = new ModelReadings(List.of(), sample.size(), e.toString());
      failure = "the model could not be run on the window's inputs: " + e.getMessage();
    }
    float[][] x = window.embeddings();
    InputSignals.Projection projection = null;
    Mmd.Result mmd = null;
    Bbsd.Result bbsd = null;
    String driftUnavailable = failure;
    if (driftUnavailable == null) {
      driftUnavailable = driftUnavailable(window);
    }
    if (driftUnavailable == null) {
      float[][] y = baseline.embeddings().values();
      mmd = Mmd.test(y, x, config.permutations(), config.seed());
      bbsd = Bbsd.test(baseline.probabilities().values(), window.probabilities());
      Pca.Fit fit = Pca.fit(y, x);
      projection = new InputSignals.Projection(fit.explained(), fit.project(y), fit.project(x));
    }

    // Screening of the flagged samples (usable predictions only).
    Double threshold = baseline == null ? null : baseline.squeezeThreshold();
    List<FlaggedSample> toScreen = flagged.stream().filter(s -> s.predictedClass() >= 0 && s.eventId() != null)
        .toList();
    Map<String, Screening> verdicts = new HashMap<>();
    String screeningFailure = null;
    if (threshold != null && !toScreen.isEmpty()) {
      try {
        for (ModelReadings.Reading r : probe.screen(distinct(toScreen)).readings()) {
          if (r.squeezeScore() != null) {
            verdicts.put(key(r.eventId(), r.batchItem()), Screening.of(r.squeezeScore(), threshold));
          }
        }
      } catch (RuntimeException e) {
        screeningFailure = e.getMessage();
      }
    }
    List<FlaggedSample> screenedSamples = new ArrayList<>();
    for (int i = 0; i < flagged.size(); i++) {
      FlaggedSample s = flagged.get(i);
      Screening v = s.eventId() == null ? null : verdicts.get(key(s.eventId(), s.batchItem()));
      if (v != null) {
        flagged.set(i, s.withScreening(v));
      }
    }
    Map<String, FlaggedSample> distinctScreened = new java.util.LinkedHashMap<>();
    for (FlaggedSample s : flagged) {
      if (s.screening() != null) {
        distinctScreened.putIfAbsent(key(s.eventId(), s.batchItem()), s);
      }
    }
    screenedSamples.addAll(distinctScreened.values());
    int adversarial = (int) screenedSamples.stream().filter(s -> s.screening().likelyAdversarial()).count();

    InputSignals signals = new InputSignals(probe.embeddingNode(), x.length == 0 ? 0 : x[0].length, x.length,
        baseline == null ? 0 : baseline.embeddings().rows(), window.unreadable(), window.firstProblem(),
        config.driftMethod(), config.driftPValue(), mmd == null ? null : mmd.mmd2(),
        mmd == null ? null : mmd.sigma(), mmd == null ? null : mmd.pValue(), config.permutations(),
        bbsd == null ? null : bbsd.pValue(), bbsd == null ? null : bbsd.dimension(), bbsd == null ? null : bbsd.d(),
        threshold, screenedSamples.size(), adversarial, config.adversarialShareMax(), projection);

    CheckResult drift = driftCheck(signals, driftUnavailable, report);
    CheckResult screening = screeningCheck(signals, toScreen.size(), screeningFailure);
    checks.add(drift);
    checks.add(screening);
    for (CheckResult c : List.of(drift, screening)) {
      if (c.status() == CheckStatus.VIOLATED) {
        violations.add(new Violation(c.type(), c.featureName(), null, c.value(), c.limit(), c.baselineValue(),
            c.description(), severity(c)));
      }
    }
    if (screening.status() == CheckStatus.VIOLATED) {
      // The likely adversarial samples illustrate the violation: replay makes their heatmaps.
      for (FlaggedSample s : screenedSamples) {
        if (s.screening().likelyAdversarial()) {
          flagged.add(s.asViolation(ViolationType.ADVERSARIAL_INPUTS, FLAGGED));
        }
      }
    }
    return report.withSignals(signals, checks, violations, flagged);
  }

  private String driftUnavailable(ModelReadings window) {
    if (baseline == null) {
      return "the baseline has no model-side signals (signals.json): rebuild it with `vigil baseline`"
          + " while saliency.signals.enabled is true";
    }
    if (!Objects.equals(baseline.modelSha256(), probe.modelSha256())) {
      return "the baseline's embeddings were read by another model (sha256 " + abbreviate(baseline.modelSha256())
          + ", now " + abbreviate(probe.modelSha256()) + "): rebuild the baseline for this model";
    }
    if (baseline.embeddings().rows() < MIN_SAMPLE || window.readings().size() < MIN_SAMPLE) {
      return String.format(Locale.ROOT, "too few inputs read through the model (window %d, baseline %d, at least %d"
          + " each)%s", window.readings().size(), baseline.embeddings().rows(), MIN_SAMPLE,
          window.firstProblem() == null ? "" : "; e.g. " + window.firstProblem());
    }
    int d = window.readings().get(0).embedding().length;
    if (baseline.embeddings().columns() != d) {
      return "the baseline's embeddings have " + baseline.embeddings().columns() + " dimensions, the window's " + d
          + " (saliency.signals.embeddingNode changed?): rebuild the baseline";
    }
    return null;
  }

  private CheckResult driftCheck(InputSignals s, String unavailable, MonitorReport report) {
    String feature = s.method() == InputDriftMethod.BBSD ? SOFTMAX : EMBEDDINGS;
    if (unavailable != null) {
      return new CheckResult(ViolationType.INPUT_DRIFT, feature, CheckStatus.UNAVAILABLE, null, s.pValueLimit(), null,
          "input drift not judged: " + unavailable);
    }
    double p = s.pValue();
    String description = String.format(Locale.ROOT,
        "%s of the model's inputs against the baseline: MMD^2 = %.5f between %d window and %d baseline embeddings"
            + " (%s, %d dimensions, RBF bandwidth %.4g), permutation p = %.4g (%d permutations); BBSD: KS on"
            + " soft-max class %s, D = %.3f, Bonferroni p = %.4g; judged by %s, limit p < %s%s",
        p < s.pValueLimit() ? "drift" : "no drift", s.mmd2(), s.windowSample(), s.baselineSample(), s.embeddingNode(),
        s.embeddingDimension(), s.mmdSigma(), s.mmdPValue(), s.permutations(), label(report, s.bbsdClass()),
        s.bbsdKs(), s.bbsdPValue(), s.method().configName(), s.pValueLimit(),
        s.unreadable() == 0 ? "" : "; " + s.unreadable() + " sampled inputs could not be read");
    return new CheckResult(ViolationType.INPUT_DRIFT, feature,
        p < s.pValueLimit() ? CheckStatus.VIOLATED : CheckStatus.PASSED, p, s.pValueLimit(), null, description);
  }

  private CheckResult screeningCheck(InputSignals s, int candidates, String failure) {
    if (s.squeezeThreshold() == null) {
      return new CheckResult(ViolationType.ADVERSARIAL_INPUTS, FLAGGED, CheckStatus.UNAVAILABLE, null,
          s.adversarialShareMax(), null, "flagged samples not screened: the baseline has no calibrated"
              + " feature-squeezing threshold (signals.json); rebuild it with saliency.signals.enabled");
    }
    if (s.screened() == 0) {
      String why = candidates == 0 ? "no flagged samples to screen"
          : "none of the " + candidates + " flagged samples could be screened"
              + (failure == null ? "" : " (" + failure + ")");
      return new CheckResult(ViolationType.ADVERSARIAL_INPUTS, FLAGGED,
          candidates == 0 ? CheckStatus.PASSED : CheckStatus.UNAVAILABLE, candidates == 0 ? 0.0 : null,
          s.adversarialShareMax(), config.falsePositiveRate(), why);
    }
    double share = (double) s.likelyAdversarial() / s.screened();
    return new CheckResult(ViolationType.ADVERSARIAL_INPUTS, FLAGGED,
        share > s.adversarialShareMax() ? CheckStatus.VIOLATED : CheckStatus.PASSED, share, s.adversarialShareMax(),
        config.falsePositiveRate(), String.format(Locale.ROOT,
            "%d of %d screened flagged samples (%.1f%%) are likely adversarial: feature squeezing (%d-bit colour,"
                + " 2x2 median) moves their soft-max by more than %.4f in L1, a threshold %.0f%% of the baseline's"
                + " inputs pass; limit %.1f%%",
            s.likelyAdversarial(), s.screened(), 100 * share, config.bitDepth(), s.squeezeThreshold(),
            100 * config.falsePositiveRate(), 100 * s.adversarialShareMax()));
  }

  /** Critical when the p-value is below a tenth of its limit, or the share is twice its limit. */
  static Severity severity(CheckResult c) {
    boolean critical = c.type() == ViolationType.INPUT_DRIFT ? c.value() < c.limit() / 10 : c.value() >= 2 * c.limit();
    return critical ? Severity.CRITICAL : Severity.WARNING;
  }

  private ModelReadings truncate(ModelReadings r) {
    if (r.readings().size() <= config.sampleSize()) {
      return r;
    }
    return new ModelReadings(r.readings().subList(0, config.sampleSize()), r.unreadable(), r.firstProblem());
  }

  private static List<FlaggedSample> distinct(List<FlaggedSample> samples) {
    Map<String, FlaggedSample> out = new java.util.LinkedHashMap<>();
    for (FlaggedSample s : samples) {
      out.putIfAbsent(key(s.eventId(), s.batchItem()), s);
    }
    return new ArrayList<>(out.values());
  }

  private static String key(String eventId, int item) {
    return eventId + "#" + item;
  }

  private static String label(MonitorReport report, Integer index) {
    if (index == null) {
      return "n/a";
    }
    return report.statistics().classes().stream().filter(c -> c.index() == index).map(c -> c.label()).findFirst()
        .orElse(String.valueOf(index));
  }

  private static String abbreviate(String sha) {
    return sha == null ? "unknown" : sha.substring(0, Math.min(12, sha.length()));
  }
}
