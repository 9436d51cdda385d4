package dev.vigil.monitor.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.capture.format.CapturedBody;
import dev.vigil.config.SignalsConfig;
import dev.vigil.monitor.check.CheckResult;
import dev.vigil.monitor.check.CheckStatus;
import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.check.Severity;
import dev.vigil.monitor.check.ViolationType;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportJson;
import dev.vigil.monitor.stats.StatisticsAccumulator;
import dev.vigil.classes.Labels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The model-side checks on a probe whose "model" is arithmetic on the input bytes: the window's
 * embedding is a point drawn around a mean the test chooses, so drift and screening are known.
 */
class ModelSignalsTest {
  private static final SignalsConfig CONFIG = new SignalsConfig(true, null, 256,
      dev.vigil.config.InputDriftMethod.MMD, 0.05, 200, 5, 0.05, 0.2, 15);

  /** Body text "mean,seed[,score]" becomes a 4-dimensional Gaussian point and a squeeze score. */
  static class ArithmeticProbe implements ModelProbe {
    @Override
    public ModelReadings read(List<SampledInput> inputs, boolean screen) {
      List<ModelReadings.Reading> out = new ArrayList<>();
      int bad = 0;
      for (SampledInput in : inputs) {
        String[] f = new String(in.input().bytes(), StandardCharsets.UTF_8).split(",");
        if (f.length < 2) {
          bad++;
          continue;
        }
        out.add(reading(in.eventId(), f, screen));
      }
      return new ModelReadings(out, bad, bad == 0 ? null : "not a point");
    }

    @Override
    public ModelReadings screen(List<FlaggedSample> samples) {
      List<ModelReadings.Reading> out = new ArrayList<>();
      for (FlaggedSample s : samples) {
        // The flagged samples' labels carry their score in this test.
        out.add(new ModelReadings.Reading(s.eventId(), s.batchItem(), new float[4], new float[] {1},
            Double.parseDouble(s.predictedLabel())));
      }
      return new ModelReadings(out, 0, null);
    }

    private static ModelReadings.Reading reading(String id, String[] f, boolean screen) {
      double mean = Double.parseDouble(f[0]);
      SplittableRandom rng = new SplittableRandom(Long.parseLong(f[1]));
      float[] e = new float[4];
      for (int j = 0; j < 4; j++) {
        e[j] = (float) (mean + gaussian(rng));
      }
      float p = (float) (1 / (1 + Math.exp(-e[0])));
      return new ModelReadings.Reading(id, 0, e, new float[] {p, 1 - p},
          screen ? Double.parseDouble(f.length > 2 ? f[2] : "0.1") : null);
    }

    @Override
    public String embeddingNode() {
      return "/head/Flatten_output_0";
    }

    @Override
    public String modelSha256() {
      return "abc";
    }
  }

  private static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  private static List<SampledInput> sample(String prefix, double mean, int n, long seed) {
    List<SampledInput> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double score = i / (double) n; // scores 0..1 spread evenly: the 95% quantile is 0.95
      out.add(new SampledInput(prefix + i, CapturedBody.text("text/plain", CapturedBody.INPUT,
          mean + "," + (seed * 1000 + i) + "," + score)));
    }
    return out;
  }

  private static MonitorReport report(List<FlaggedSample> flagged) {
    StatisticsAccumulator stats = new StatisticsAccumulator(0.5);
    return new MonitorReport("ep", "v", Instant.EPOCH, Instant.EPOCH.plusSeconds(60), Instant.EPOCH, "s3", "auto",
        stats.snapshot(Labels.none()), null, null, Constraints.defaults(), List.of(), List.of(), flagged, 1.0);
  }

  private static FlaggedSample flagged(String id, double score) {
    return new FlaggedSample(ViolationType.CLASS_SHARE_EXCEEDED, "Stop", id, Instant.EPOCH, 0, 3,
        String.valueOf(score), 0.9, List.of(), null);
  }

  @Test
  void baselineThresholdIsTheQuantileOfItsScoresAtTheFalsePositiveRate() {
    ModelSignals signals = new ModelSignals(new ArithmeticProbe(), CONFIG, null);
    BaselineSignals b = signals.baseline(sample("b", 0, 100, 1));
    // scores 0.00..0.99; at 5% false positives the threshold leaves 5 of them above it
    assertThat(b.squeezeThreshold()).isEqualTo(0.94);
    assertThat(b.embeddings().rows()).isEqualTo(100);
    assertThat(b.embeddings().values()[0]).hasSize(4);
    assertThat(b.calibrationSamples()).isEqualTo(100);
  }

  @Test
  void shiftedEmbeddingsViolateInputDriftAndTheSameDistributionPasses() {
    ModelSignals base = new ModelSignals(new ArithmeticProbe(), CONFIG, null);
    BaselineSignals b = base.baseline(sample("b", 0, 120, 1));
    ModelSignals signals = new ModelSignals(new ArithmeticProbe(), CONFIG, b);

    MonitorReport drifted = signals.apply(report(List.of()), sample("w", 0.8, 80, 2));
    CheckResult drift = check(drifted, ViolationType.INPUT_DRIFT);
    assertThat(drift.status()).isEqualTo(CheckStatus.VIOLATED);
    assertThat(drift.value()).isLessThan(0.01);
    assertThat(drift.description()).contains("MMD^2 =", "permutation p =", "BBSD", "/head/Flatten_output_0");
    assertThat(drifted.violations()).anyMatch(v -> v.type() == ViolationType.INPUT_DRIFT
        && v.severity() == Severity.CRITICAL);
    assertThat(drifted.signals().projection().window()).hasNumberOfRows(80);
    assertThat(drifted.signals().projection().baseline()).hasNumberOfRows(120);

    MonitorReport same = signals.apply(report(List.of()), sample("w", 0, 80, 3));
    assertThat(check(same, ViolationType.INPUT_DRIFT).status()).isEqualTo(CheckStatus.PASSED);
    assertThat(same.violations()).isEmpty();
  }

  @Test
  void screeningMarksFlaggedSamplesAndViolatesAboveTheShareLimit() throws Exception {
    ModelSignals base = new ModelSignals(new ArithmeticProbe(), CONFIG, null);
    BaselineSignals b = base.baseline(sample("b", 0, 100, 1));
    ModelSignals signals = new ModelSignals(new ArithmeticProbe(), CONFIG, b);
    List<FlaggedSample> flagged = List.of(flagged("a", 1.5), flagged("b", 1.2), flagged("c", 0.1), flagged("d", 0.2));

    MonitorReport r = signals.apply(report(flagged), sample("w", 0, 40, 4));

    CheckResult screening = check(r, ViolationType.ADVERSARIAL_INPUTS);
    assertThat(screening.status()).isEqualTo(CheckStatus.VIOLATED);
    assertThat(screening.value()).isEqualTo(0.5);
    assertThat(r.signals().screened()).isEqualTo(4);
    assertThat(r.signals().likelyAdversarial()).isEqualTo(2);
    assertThat(r.flaggedSamples().subList(0, 4)).extracting(s -> s.screening().likelyAdversarial())
        .containsExactly(true, true, false, false);
    // The likely adversarial ones also illustrate the new violation (replay makes their heatmaps).
    assertThat(r.flaggedSamples()).filteredOn(s -> s.violation() == ViolationType.ADVERSARIAL_INPUTS)
        .extracting(FlaggedSample::eventId).containsExactly("a", "b");
    // report.json carries the verdicts and reads back.
    String json = new String(ReportJson.toJson(r), StandardCharsets.UTF_8);
    assertThat(json).contains("\"likely_adversarial\" : true", "\"signals\"", "\"input_drift\"");
    MonitorReport back = ReportJson.read(ReportJson.toJson(r));
    assertThat(back.flaggedSamples().get(0).screening()).isEqualTo(r.flaggedSamples().get(0).screening());
    assertThat(back.signals().mmdPValue()).isEqualTo(r.signals().mmdPValue());
  }

  @Test
  void withoutBaselineSignalsBothChecksAreUnavailableWithTheReason() {
    ModelSignals signals = new ModelSignals(new ArithmeticProbe(), CONFIG, null);
    MonitorReport r = signals.apply(report(List.of(flagged("a", 2))), sample("w", 3, 40, 5));
    assertThat(check(r, ViolationType.INPUT_DRIFT).status()).isEqualTo(CheckStatus.UNAVAILABLE);
    assertThat(check(r, ViolationType.INPUT_DRIFT).description()).contains("signals.json", "vigil baseline");
    assertThat(check(r, ViolationType.ADVERSARIAL_INPUTS).status()).isEqualTo(CheckStatus.UNAVAILABLE);
    assertThat(r.violations()).isEmpty();
    assertThat(r.signals().windowSample()).isEqualTo(40);
  }

  @Test
  void aProbeThatFailsCostsTheChecksNotTheReport() {
    ModelProbe broken = new ArithmeticProbe() {
      @Override
      public ModelReadings read(List<SampledInput> inputs, boolean screen) {
        throw new IllegalStateException("session closed");
      }
    };
    ModelSignals base = new ModelSignals(new ArithmeticProbe(), CONFIG, null);
    BaselineSignals b = base.baseline(sample("b", 0, 50, 1));
    MonitorReport r = new ModelSignals(broken, CONFIG, b).apply(report(List.of()), sample("w", 0, 20, 6));
    assertThat(check(r, ViolationType.INPUT_DRIFT).status()).isEqualTo(CheckStatus.UNAVAILABLE);
    assertThat(check(r, ViolationType.INPUT_DRIFT).description()).contains("session closed");
  }

  @Test
  void samplerKeepsTheSameSampleWhateverTheReadingOrderAndSplit() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ids.add("event-" + i);
    }
    CapturedBody body = CapturedBody.text("text/plain", CapturedBody.INPUT, "0,1");
    InputSampler one = new InputSampler(50, 9);
    ids.forEach(id -> one.offer(id, body));
    InputSampler a = new InputSampler(50, 9);
    InputSampler c = new InputSampler(50, 9);
    for (int i = ids.size() - 1; i >= 0; i--) {
      (i % 3 == 0 ? a : c).offer(ids.get(i), body);
    }
    a.merge(c);
    assertThat(a.sample()).extracting(SampledInput::eventId)
        .containsExactlyElementsOf(one.sample().stream().map(SampledInput::eventId).toList()).hasSize(50);
    InputSampler other = new InputSampler(50, 10);
    ids.forEach(id -> other.offer(id, body));
    assertThat(other.sample()).extracting(SampledInput::eventId)
        .isNotEqualTo(one.sample().stream().map(SampledInput::eventId).toList());
  }

  @Test
  void floatMatrixRoundTripsAndRefusesAWrongLength() {
    float[][] v = {{1.5f, -2f, 3e-7f}, {Float.MAX_VALUE, 0f, -0f}};
    FloatMatrix m = FloatMatrix.of(v);
    assertThat(m.values()).isDeepEqualTo(v);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FloatMatrix(3, 3, m.float32Base64()))
        .hasMessageContaining("needs 36 bytes");
  }

  private static CheckResult check(MonitorReport r, ViolationType type) {
    return r.checks().stream().filter(c -> c.type() == type).findFirst().orElseThrow();
  }
}
