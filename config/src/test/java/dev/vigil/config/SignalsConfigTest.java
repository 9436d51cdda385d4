package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code saliency.signals}: defaults, values, and what it needs. */
class SignalsConfigTest {
  private static final String WITH_PREPROCESSING =
      "endpoints: [{name: traffic-signs, preprocessing: {width: 64, height: 64}}]\n";

  @Test
  void offByDefaultWithTheDocumentedDefaults() {
    SignalsConfig s = Yaml.load(Yaml.ENDPOINT).saliency().signals();
    assertThat(s).isEqualTo(SignalsConfig.defaults());
    assertThat(s.enabled()).isFalse();
    assertThat(s.sampleSize()).isEqualTo(256);
    assertThat(s.falsePositiveRate()).isEqualTo(0.05);
  }

  @Test
  void readsEveryKey() {
    SignalsConfig s = Yaml.load(WITH_PREPROCESSING + "saliency: {model: m.onnx, signals: {enabled: true,"
        + " embeddingNode: /fc/Gemm, sampleSize: 128, driftMethod: bbsd, driftPValue: 0.01, permutations: 200,"
        + " bitDepth: 4, falsePositiveRate: 0.1, adversarialShareMax: 0.3, seed: 3}}").saliency().signals();
    assertThat(s).isEqualTo(new SignalsConfig(true, "/fc/Gemm", 128, InputDriftMethod.BBSD, 0.01, 200, 4, 0.1, 0.3, 3));
  }

  @Test
  void enabledNeedsTheModel() {
    Yaml.assertOnlyProblem(WITH_PREPROCESSING + "saliency: {signals: {enabled: true}}",
        "saliency.signals.enabled: needs saliency.model: the signals run the model on captured inputs; set"
            + " saliency.model to the endpoint's ONNX file or set enabled: false");
    assertThat(Yaml.load(Yaml.ENDPOINT + "saliency: {model: m.onnx, signals: {enabled: true}}").saliency().signals()
        .enabled()).isTrue();
  }

  @Test
  void badValuesAreNamed() {
    assertThat(Yaml.problems(Yaml.ENDPOINT + "saliency: {signals: {bitDepth: 9, driftMethod: ks}}"))
        .anyMatch(p -> p.startsWith("saliency.signals.bitDepth: must be between 1 and 8"))
        .anyMatch(p -> p.startsWith("saliency.signals.driftMethod: must be one of mmd, bbsd"));
  }
}
