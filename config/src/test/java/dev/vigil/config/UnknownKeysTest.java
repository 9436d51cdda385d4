package dev.vigil.config;

import static dev.vigil.config.Yaml.ENDPOINT;
import static dev.vigil.config.Yaml.assertOnlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnknownKeysTest {
  @Test
  void suggestsTheSiblingKeyAMisspellingMeant() {
    assertOnlyProblem("endpoints:\n  - name: traffic-signs\n    samplng: {percent: 10}\n",
        "endpoints[0].samplng: unknown key; did you mean 'sampling'?");
  }

  @Test
  void suggestsForTransposedLetters() {
    assertOnlyProblem(ENDPOINT + "alerts: {smtp: {hsot: mail}}", "alerts.smtp.hsot: unknown key; did you mean 'host'?");
  }

  @Test
  void suggestsIgnoringCase() {
    assertOnlyProblem(ENDPOINT + "sinks: {s3: {pathstyle: true}}",
        "sinks.s3.pathstyle: unknown key; did you mean 'pathStyle'?");
  }

  @Test
  void listsTheAllowedKeysWhenNothingIsClose() {
    assertOnlyProblem(ENDPOINT + "saliency: {gpu: true}",
        "saliency.gpu: unknown key; allowed keys here are model, device, batchSize, samplesPerViolation,"
            + " intraOpThreads, signals");
  }

  @Test
  void reportsUnknownTopLevelSections() {
    assertOnlyProblem(ENDPOINT + "alert: {}", "alert: unknown key; did you mean 'alerts'?");
  }

  @Test
  void reportsUnknownKeysAtEveryDepth() {
    List<String> problems = Yaml.problems(ENDPOINT + "monitor: {thresholds: {drift: {metod: psi}}}");
    assertThat(problems).containsExactly("monitor.thresholds.drift.metod: unknown key; did you mean 'method'?");
  }

  @Test
  void unknownKeyIsReportedEvenWhenItsVariableIsUnset() {
    assertThat(Yaml.problems(ENDPOINT + "alerts: {smtp: {pasword: '${SMTP_PASSWORD}'}}")).containsExactly(
        "alerts.smtp.pasword: environment variable SMTP_PASSWORD is not set; export it or write"
            + " ${SMTP_PASSWORD:-default}",
        "alerts.smtp.pasword: unknown key; did you mean 'password'?");
  }

  @Test
  void distanceCountsATranspositionAsOneEdit() {
    assertThat(DidYouMean.distance("hsot", "host")).isEqualTo(1);
    assertThat(DidYouMean.distance("samplng", "sampling")).isEqualTo(1);
    assertThat(DidYouMean.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(DidYouMean.closest("zzz", List.of("model", "device"))).isNull();
  }
}
