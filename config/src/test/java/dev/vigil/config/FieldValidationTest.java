package dev.vigil.config;

import static dev.vigil.config.Yaml.ENDPOINT;
import static dev.vigil.config.Yaml.assertOnlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per field-level rule, each asserting the exact message a user sees. */
class FieldValidationTest {
  private static String endpoint(String extra) {
    return "endpoints:\n  - name: traffic-signs\n" + extra.indent(4);
  }

  @Test
  void rejectsSamplingPercentAbove100() {
    assertOnlyProblem(endpoint("sampling: {percent: 150}"),
        "endpoints[0].sampling.percent: must be between 0 and 100, got 150");
  }

  @Test
  void rejectsNegativeSamplingPercent() {
    assertOnlyProblem(endpoint("sampling: {percent: -1}"),
        "endpoints[0].sampling.percent: must be between 0 and 100, got -1");
  }

  @Test
  void acceptsFractionalSamplingPercent() {
    assertThat(Yaml.load(endpoint("sampling: {percent: 0.5}")).endpoints().get(0).sampling().percent())
        .isEqualTo(0.5);
  }

  @Test
  void rejectsTextWhereANumberIsExpected() {
    assertOnlyProblem(endpoint("sampling: {percent: half}"),
        "endpoints[0].sampling.percent: must be a number, got 'half'");
  }

  @Test
  void explainsAPercentSign() {
    assertOnlyProblem(endpoint("sampling: {percent: 50%}"),
        "endpoints[0].sampling.percent: must be a number, got '50%'; write the number without %, e.g. 50");
  }

  @Test
  void aNameGivenAsAListIsOneProblem() {
    assertOnlyProblem("endpoints: [{name: [a, b]}]", "endpoints[0].name: must be a single value, got a list");
  }

  @Test
  void rejectsFractionWhereAWholeNumberIsExpected() {
    assertOnlyProblem(endpoint("preprocessing: {width: 22.5}"),
        "endpoints[0].preprocessing.width: must be a whole number, got 22.5");
  }

  @Test
  void rejectsPortOutOfRange() {
    assertOnlyProblem(ENDPOINT + "agent: {listen: {port: 70000}}",
        "agent.listen.port: must be between 0 and 65535, got 70000");
  }

  @Test
  void rejectsSmtpPortZero() {
    assertOnlyProblem(ENDPOINT + "alerts: {smtp: {port: 0}}",
        "alerts.smtp.port: must be between 1 and 65535, got 0");
  }

  @Test
  void rejectsNonBooleans() {
    assertOnlyProblem(ENDPOINT + "sinks: {s3: {pathStyle: yes}}",
        "sinks.s3.pathStyle: must be true or false, got 'yes'");
  }

  @Test
  void rejectsUnknownEnumValueListingTheAllowedOnes() {
    assertOnlyProblem(endpoint("capture: {mode: Both}"),
        "endpoints[0].capture.mode: must be one of Input, Output, InputAndOutput, got 'Both'");
  }

  @Test
  void suggestsTheEnumValueANearMissMeant() {
    assertOnlyProblem(ENDPOINT + "saliency: {device: CUDA}",
        "saliency.device: must be one of cpu, cuda, got 'CUDA'; did you mean 'cuda'?");
  }

  @Test
  void rejectsMalformedSizes() {
    assertOnlyProblem(endpoint("capture: {maxBodyBytes: 10XB}"),
        "endpoints[0].capture.maxBodyBytes: must be a size like 512KB, 10MB, 1GB or a number of bytes, got '10XB'");
  }

  @Test
  void rejectsSizesOutOfRange() {
    assertOnlyProblem(endpoint("capture: {maxBodyBytes: 2GB}"),
        "endpoints[0].capture.maxBodyBytes: must be between 1B and 1GB, got '2GB'");
  }

  @Test
  void rejectsMalformedDurations() {
    assertOnlyProblem(ENDPOINT + "alerts: {coolDown: soon}",
        "alerts.coolDown: must be a duration like 60s, 5m, 6h or PT60S, got 'soon'");
  }

  @Test
  void explainsADurationWithoutUnit() {
    assertOnlyProblem(ENDPOINT + "sinks: {s3: {objectMaxAge: 60}}",
        "sinks.s3.objectMaxAge: must be a duration like 60s, 5m, 6h or PT60S, got 60; add a unit, e.g. 60s");
  }

  @Test
  void rejectsDurationsOutOfRange() {
    assertOnlyProblem(ENDPOINT + "sinks: {s3: {objectMaxAge: 2d}}",
        "sinks.s3.objectMaxAge: must be between 1s and 1d, got '2d'");
  }

  @Test
  void requiresAtLeastOneEndpoint() {
    assertOnlyProblem("sinks: {}",
        "endpoints: is required; list at least one endpoint, e.g. endpoints: [{name: my-model,"
            + " upstream: http://127.0.0.1:8080}]");
    assertOnlyProblem("endpoints: []",
        "endpoints: is required; list at least one endpoint, e.g. endpoints: [{name: my-model,"
            + " upstream: http://127.0.0.1:8080}]");
  }

  @Test
  void requiresAnEndpointName() {
    assertOnlyProblem("endpoints:\n  - variant: v1\n",
        "endpoints[0].name: is required; name the endpoint, e.g. name: traffic-signs");
  }

  @Test
  void rejectsEndpointNamesThatCannotBePartOfKeysAndTopics() {
    assertOnlyProblem("endpoints: [{name: Traffic Signs}]",
        "endpoints[0].name: must be lowercase letters, digits and '-', starting with a letter or digit,"
            + " got 'Traffic Signs'; e.g. traffic-signs");
  }

  @Test
  void rejectsAnEndpointGivenAsText() {
    assertOnlyProblem("endpoints: [traffic-signs]",
        "endpoints[0]: must be a mapping of keys to values, got 'traffic-signs'");
  }

  @Test
  void rejectsASectionGivenAsAList() {
    assertOnlyProblem(ENDPOINT + "sinks: [kafka]", "sinks: must be a mapping of keys to values, got a list");
  }

  @Test
  void requiresAnHttpUpstream() {
    assertOnlyProblem(endpoint("upstream: 127.0.0.1:8080"),
        "endpoints[0].upstream: must be an http:// URL with a host, got '127.0.0.1:8080'; write http://127.0.0.1:8080");
  }

  @Test
  void explainsThatTheUpstreamIsPlainHttp() {
    assertOnlyProblem(endpoint("upstream: https://model:8443"),
        "endpoints[0].upstream: must be an http:// URL with a host, got 'https://model:8443'; the agent talks plain"
            + " HTTP to the model server next to it (terminate TLS in front of the agent)");
  }

  @Test
  void rejectsAMalformedEndpointOverride() {
    assertOnlyProblem(ENDPOINT + "sinks: {s3: {endpointOverride: 'ftp://files'}}",
        "sinks.s3.endpointOverride: must be an http:// or https:// URL with a host, got 'ftp://files';"
            + " e.g. https://example.com/path");
  }

  @Test
  void rejectsAMalformedWebhookUrlWithoutEchoingItsToken() {
    assertOnlyProblem(ENDPOINT + "alerts: {webhook: {url: 'hooks.example.com/T000/secret-token'}}",
        "alerts.webhook.url: must be an http:// or https:// URL with a host, e.g. https://hooks.example.com/T000"
            + " (value not shown: webhook URLs usually carry a token)");
  }

  @Test
  void rejectsAMalformedUrlSayingWhy() {
    assertOnlyProblem(ENDPOINT + "sinks: {s3: {endpointOverride: 'http://bad host/'}}",
        "sinks.s3.endpointOverride: must be an http:// or https:// URL, got 'http://bad host/' (Illegal character"
            + " in authority)");
  }

  @Test
  void rejectsZeroScale() {
    assertOnlyProblem(endpoint("preprocessing: {scale: 0}"),
        "endpoints[0].preprocessing.scale: must be greater than 0, got 0");
  }

  @Test
  void rejectsHeaderNamesWithSpaces() {
    assertOnlyProblem(endpoint("sampling: {requestIdHeader: X Request Id}"),
        "endpoints[0].sampling.requestIdHeader: must be an HTTP header name (letters, digits, '-'), got"
            + " 'X Request Id'; e.g. X-Request-Id");
  }

  @Test
  void rejectsContentTypesWithoutSubtype() {
    assertOnlyProblem(endpoint("capture: {textContentTypes: [application/json, json]}"),
        "endpoints[0].capture.textContentTypes[1]: must be a media type like application/json (matched exactly,"
            + " no wildcards), got 'json'");
    assertOnlyProblem(endpoint("capture: {textContentTypes: ['text/*']}"),
        "endpoints[0].capture.textContentTypes[0]: must be a media type like application/json (matched exactly,"
            + " no wildcards), got 'text/*'");
  }

  @Test
  void shortensLongValuesInMessages() {
    String longName = "x".repeat(300);
    assertThat(Yaml.problems(ENDPOINT + "saliency: {device: " + longName + "}")).singleElement().asString()
        .hasSizeLessThan(200).contains("x".repeat(97) + "...'");
  }

  @Test
  void rejectsRedactEntriesThatAreNotJsonPointers() {
    assertOnlyProblem(endpoint("capture: {redact: [customer.email]}"),
        "endpoints[0].capture.redact[0]: must be a JSON Pointer starting with '/', got 'customer.email';"
            + " e.g. /customer/email");
  }

  @Test
  void redactionNeedsAnHmacKeyAndNeverEchoesItsSecret() {
    assertOnlyProblem(endpoint("capture: {redact: [/customer/email]}"),
        "endpoints[0].capture.redact: needs an HMAC secret to hash with: add agent.redaction.keys,"
            + " e.g. [{id: k1, secret: ${VIGIL_REDACTION_SECRET}}]");
    List<String> problems = Yaml.problems(ENDPOINT + """
        agent:
          redaction:
            keys:
              - {id: k2, secret: short-secret-x}
              - {id: k2, secret: long-enough-secret-0123, secretFile: /run/k}
              - {id: 'bad id', secretFile: /run/k}
        """);
    assertThat(problems).containsExactlyInAnyOrder(
        "agent.redaction.keys[0].secret: must be at least 16 bytes (value not shown: it is a secret); e.g. openssl rand -base64 32",
        "agent.redaction.keys[1].id: duplicate key id 'k2'; each key needs its own id",
        "agent.redaction.keys[1].secret: set exactly one of secret (e.g. ${VIGIL_REDACTION_SECRET}) and secretFile",
        "agent.redaction.keys[2].id: must be 1-64 of A-Z a-z 0-9 . _ -, got 'bad id'");
    assertThat(String.join("\n", problems)).doesNotContain("short-secret-x", "long-enough-secret-0123");
    VigilConfig ok = Yaml.load(ENDPOINT + "agent: {redaction: {keys: [{id: k1, secret: long-enough-secret-0123}]}}");
    assertThat(ConfigPrinter.toYaml(ok)).contains("id: k1", "******").doesNotContain("long-enough-secret-0123");
  }

  @Test
  void rejectsBadTildeEscapesInJsonPointers() {
    assertOnlyProblem(endpoint("output: {format: pointer, pointer: /a~2b}"),
        "endpoints[0].output.pointer: must be a JSON Pointer, got '/a~2b'; '~' must be written ~0 and '/' inside"
            + " a key ~1");
  }

  @Test
  void rejectsRouteWithoutLeadingSlash() {
    assertOnlyProblem(endpoint("route: {pathPrefix: predict}"),
        "endpoints[0].route.pathPrefix: must start with '/', got 'predict'");
  }

  @Test
  void rejectsInvalidTopicNames() {
    assertOnlyProblem(ENDPOINT + "sinks: {kafka: {topic: 'captures/{endpoint}'}}",
        "sinks.kafka.topic: must be a Kafka topic name (letters, digits, '.', '_', '-'; {endpoint} for the endpoint"
            + " name), got 'captures/{endpoint}'");
  }

  @Test
  void rejectsMalformedBootstrapServers() {
    assertOnlyProblem(ENDPOINT + "sinks: {kafka: {bootstrapServers: 'kafka-1'}}",
        "sinks.kafka.bootstrapServers: must be host:port pairs separated by commas, got 'kafka-1'; e.g."
            + " 127.0.0.1:9092 or kafka-1:9092,kafka-2:9092");
  }

  @Test
  void rejectsS3PrefixWithSlashes() {
    assertOnlyProblem(ENDPOINT + "sinks: {s3: {prefix: /capture/}}",
        "sinks.s3.prefix: must not start or end with '/', got '/capture/'; write capture");
  }

  @Test
  void rejectsInvalidBucketNames() {
    assertOnlyProblem(ENDPOINT + "sinks: {s3: {bucket: My_Bucket}}",
        "sinks.s3.bucket: must be lowercase letters, digits, '.' and '-', starting and ending with a letter or"
            + " digit, got 'My_Bucket'");
    assertOnlyProblem(ENDPOINT + "sinks: {s3: {bucket: ab}}",
        "sinks.s3.bucket: must be 3 to 63 characters long, got 'ab' (2)");
    assertOnlyProblem(ENDPOINT + "sinks: {s3: {bucket: 192.168.1.10}}",
        "sinks.s3.bucket: must not look like an IP address, got '192.168.1.10'");
    assertOnlyProblem(ENDPOINT + "sinks: {s3: {bucket: my..bucket}}",
        "sinks.s3.bucket: must not contain '..', got 'my..bucket'");
  }

  @Test
  void rejectsMeanWithTheWrongNumberOfChannels() {
    assertOnlyProblem(endpoint("preprocessing: {mean: [0.5, 0.5]}"),
        "endpoints[0].preprocessing.mean: must have 3 values, one per channel, got 2");
  }

  @Test
  void rejectsZeroStd() {
    assertOnlyProblem(endpoint("preprocessing: {std: [0.2, 0, 0.2]}"),
        "endpoints[0].preprocessing.std[1]: must be greater than 0 (pixels are divided by it), got 0.0");
  }

  @Test
  void rejectsInvalidEmailAddresses() {
    assertOnlyProblem(ENDPOINT + "alerts: {recipients: [ops@example.com, oncall]}",
        "alerts.recipients[1]: must be an e-mail address like ops@example.com, got 'oncall'");
  }

  @Test
  void readsACommaSeparatedRecipientList() {
    assertThat(Yaml.load(ENDPOINT + "alerts: {recipients: 'a@example.com, b@example.com'}").alerts().recipients())
        .containsExactly("a@example.com", "b@example.com");
  }

  @Test
  void rejectsShareThresholdsAboveOne() {
    assertOnlyProblem(ENDPOINT + "monitor: {thresholds: {classShareMax: 80}}",
        "monitor.thresholds.classShareMax: must be between 0 and 1, got 80");
  }

  @Test
  void rejectsFiveFieldUnixCron() {
    assertOnlyProblem(ENDPOINT + "monitor: {schedule: '0 * * * *'}",
        "monitor.schedule: looks like a 5-field Unix cron, got '0 * * * *'; Quartz cron has seconds first and '?'"
            + " in day-of-month or day-of-week, e.g. '0 0 * * * ?'");
  }

  @Test
  void rejectsQuartzCronWithoutQuestionMark() {
    assertOnlyProblem(ENDPOINT + "monitor: {schedule: '0 0 * * * *'}",
        "monitor.schedule: Quartz cron needs '?' in exactly one of day-of-month (4th field) and day-of-week"
            + " (6th field), got '0 0 * * * *'; e.g. '0 0 * * * ?'");
  }

  @Test
  void rejectsUnreadableSchedules() {
    assertOnlyProblem(ENDPOINT + "monitor: {schedule: weekly}",
        "monitor.schedule: must be hourly, daily, 'every N hours' or a Quartz cron expression (6 or 7 fields,"
            + " e.g. '0 0 * * * ?'), got 'weekly'");
  }

  @Test
  void rejectsEveryZeroHours() {
    assertOnlyProblem(ENDPOINT + "monitor: {schedule: every 0 hours}",
        "monitor.schedule: 'every N hours' needs N between 1 and 23, got 0; use daily for 24");
  }

  @Test
  void acceptsFriendlySchedulesAndCron() {
    assertThat(Yaml.load(ENDPOINT + "monitor: {schedule: every 6 hours}").monitor().cronExpression())
        .isEqualTo("0 0 0/6 * * ?");
    assertThat(Yaml.load(ENDPOINT + "monitor: {schedule: daily}").monitor().cronExpression())
        .isEqualTo("0 0 0 * * ?");
    assertThat(Yaml.load(ENDPOINT + "monitor: {schedule: '0 0/15 * * * ?'}").monitor().cronExpression())
        .isEqualTo("0 0/15 * * * ?");
  }

  @Test
  void rejectsListsWhereOneValueIsExpected() {
    assertOnlyProblem(ENDPOINT + "sinks: {s3: {region: [us-east-1, eu-west-1]}}",
        "sinks.s3.region: must be a single value, got a list");
  }

  @Test
  void rejectsNestedProducerProperties() {
    assertOnlyProblem(ENDPOINT + "sinks: {kafka: {producer: {linger: {ms: 5}}}}",
        "sinks.kafka.producer.linger: must be a single value (producer properties are flat key: value pairs),"
            + " got a mapping");
  }
}
