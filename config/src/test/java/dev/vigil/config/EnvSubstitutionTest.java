package dev.vigil.config;

import static dev.vigil.config.Yaml.ENDPOINT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {
  private static VigilConfig load(String yaml, Map<String, String> env) {
    return ConfigLoader.parse(yaml, env);
  }

  @Test
  void substitutesASetVariable() {
    VigilConfig c = load(ENDPOINT + "sinks: {kafka: {bootstrapServers: '${KAFKA}'}}", Map.of("KAFKA", "k1:9092"));
    assertThat(c.sinks().kafka().bootstrapServers()).isEqualTo("k1:9092");
  }

  @Test
  void usesTheDefaultWhenTheVariableIsUnset() {
    VigilConfig c = load(ENDPOINT + "sinks:\n  s3:\n    region: ${AWS_REGION:-eu-west-1}\n", Map.of());
    assertThat(c.sinks().s3().region()).isEqualTo("eu-west-1");
  }

  @Test
  void theVariableWinsOverTheDefault() {
    VigilConfig c = load(ENDPOINT + "sinks:\n  s3:\n    region: ${AWS_REGION:-eu-west-1}\n",
        Map.of("AWS_REGION", "us-west-2"));
    assertThat(c.sinks().s3().region()).isEqualTo("us-west-2");
  }

  @Test
  void anEmptyDefaultGivesAnEmptySecret() {
    VigilConfig c = load(ENDPOINT + "alerts: {smtp: {user: ${SMTP_USER:-}, password: ${SMTP_PASSWORD:-}}}", Map.of());
    assertThat(c.alerts().smtp().user()).isEmpty();
    assertThat(c.alerts().smtp().password().isEmpty()).isTrue();
  }

  @Test
  void worksInsideFlowMappingsAndInTheMiddleOfText() {
    VigilConfig c = load(ENDPOINT + "monitor: {baseline: 's3://${BUCKET}/baselines/${EP:-traffic-signs}'}",
        Map.of("BUCKET", "models"));
    assertThat(c.monitor().baseline()).isEqualTo("s3://models/baselines/traffic-signs");
  }

  @Test
  void numbersAndBooleansMayComeFromTheEnvironment() {
    VigilConfig c = load(ENDPOINT + "agent: {listen: {port: ${PORT}}}\nsinks: {s3: {pathStyle: ${PATH_STYLE}}}",
        Map.of("PORT", "9181", "PATH_STYLE", "true"));
    assertThat(c.agent().listen().port()).isEqualTo(9181);
    assertThat(c.sinks().s3().pathStyle()).isTrue();
  }

  @Test
  void aValueFromTheEnvironmentIsCheckedLikeAWrittenOne() {
    assertThat(Yaml.problems("endpoints: [{name: a, sampling: {percent: '${PCT}'}}]", Map.of("PCT", "150")))
        .containsExactly("endpoints[0].sampling.percent: must be between 0 and 100, got 150");
  }

  @Test
  void aValueWithYamlSyntaxStaysOneValue() {
    String tricky = "p@ss: #word, {x}";
    VigilConfig c = load(ENDPOINT + "alerts: {smtp: {password: ${SMTP_PASSWORD}}}", Map.of("SMTP_PASSWORD", tricky));
    assertThat(c.alerts().smtp().password().reveal()).isEqualTo(tricky);
  }

  @Test
  void reportsAnUnsetVariableWithItsPath() {
    assertThat(Yaml.problems(ENDPOINT + "sinks:\n  s3:\n    secretAccessKey: ${AWS_SECRET_ACCESS_KEY}\n"))
        .containsExactly("sinks.s3.secretAccessKey: environment variable AWS_SECRET_ACCESS_KEY is not set; export it"
            + " or write ${AWS_SECRET_ACCESS_KEY:-default}");
  }

  @Test
  void anUnsetVariableDoesNotAlsoMakeTheKeyLookMissing() {
    assertThat(Yaml.problems("endpoints:\n  - name: ${MODEL_NAME}\n"))
        .containsExactly("endpoints[0].name: environment variable MODEL_NAME is not set; export it or write"
            + " ${MODEL_NAME:-default}");
  }

  @Test
  void reportsEveryUnsetVariable() {
    assertThat(Yaml.problems(ENDPOINT + "alerts: {smtp: {host: '${SMTP_HOST}', user: '${SMTP_USER}'}}"))
        .containsExactly(
            "alerts.smtp.host: environment variable SMTP_HOST is not set; export it or write ${SMTP_HOST:-default}",
            "alerts.smtp.user: environment variable SMTP_USER is not set; export it or write ${SMTP_USER:-default}");
  }

  @Test
  void reportsEveryUnsetVariableOfOneValue() {
    assertThat(Yaml.problems(ENDPOINT + "monitor: {baseline: 's3://${BUCKET}/${PREFIX}'}")).containsExactly(
        "monitor.baseline: environment variable BUCKET is not set; export it or write ${BUCKET:-default}",
        "monitor.baseline: environment variable PREFIX is not set; export it or write ${PREFIX:-default}");
  }

  @Test
  void doubleDollarWritesALiteralReference() {
    VigilConfig c = load(ENDPOINT + "monitor: {baseline: '/data/$${NOT_A_VAR}'}", Map.of());
    assertThat(c.monitor().baseline()).isEqualTo("/data/${NOT_A_VAR}");
  }

  @Test
  void referencesInCommentsAreIgnored() {
    VigilConfig c = load(ENDPOINT + "# password: ${NEVER_SET}\nsaliency: {batchSize: 4}", Map.of());
    assertThat(c.saliency().batchSize()).isEqualTo(4);
  }

  @Test
  void rejectsAnInvalidVariableName() {
    assertThat(Yaml.problems(ENDPOINT + "monitor: {baseline: '${1BAD:-hunter2}'}"))
        .containsExactly("monitor.baseline: '1BAD' is not a valid environment variable name; names are letters,"
            + " digits and _ (not starting with a digit): write ${NAME} or ${NAME:-default}");
  }

  @Test
  void rejectsAnUnterminatedReference() {
    assertThat(Yaml.problems(ENDPOINT + "monitor:\n  baseline: /data/${BASE\n"))
        .containsExactly("monitor.baseline: '${' without a closing '}'; write ${NAME} or ${NAME:-default}, or $${"
            + " for a literal ${");
  }
}
