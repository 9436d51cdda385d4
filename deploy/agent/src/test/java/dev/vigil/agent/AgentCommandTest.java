package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.capture.agent.AgentSettings;
import dev.vigil.capture.sampling.CaptureMode;
import dev.vigil.cli.support.CommandRunner;
import dev.vigil.config.ConfigLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** The sidecar jar's own command line ({@link AgentMain}), output captured. */
  private int run(String... args) {
    return CommandRunner.commandLine(new AgentCommand()).setCommandName("vigil-agent")
        .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
  }

  @Test
  void mapsEveryAgentKeyOfTheConfiguration() {
    String yaml = """
        endpoints:
          - name: traffic-signs
            variant: v2
            upstream: http://127.0.0.1:8080
            route: {pathPrefix: /signs, host: signs.local}
            sampling: {percent: 12.5, requestIdHeader: X-Req}
            capture: {mode: Input, maxBodyBytes: 1MB, redact: [/user/email], captureUpstreamErrors: false}
            kafkaTopic: signs-captures
        sinks:
          kafka: {bootstrapServers: 127.0.0.1:9999, compression: lz4, producer: {security.protocol: SASL_SSL}}
          s3: {bucket: bkt, prefix: p, endpointOverride: http://127.0.0.1:9000, pathStyle: true,
               accessKeyId: AK, secretAccessKey: SK, objectMaxBytes: 4MB, objectMaxAge: 30s}
        agent:
          listen: {host: 127.0.0.1, port: 9001}
          admin: {host: 127.0.0.1, port: 9002, metricsToken: scrape-me}
          bufferBytes: 32MB
          spool: {directory: /tmp/vigil-spool, maxBytes: 2GB}
          shutdownGrace: 5s
          upstreamTimeout: 7s
          redaction:
            keys:
              - {id: k2, secret: '${REDACT_SECRET}'}
              - {id: k1, secretFile: %s}
        """.formatted(keyFile());
    AgentSettings s = AgentConfigMapping.settings(ConfigLoader.parse(yaml, Map.of("REDACT_SECRET", "env-secret-0123456789")));
    var e = s.endpoints().get(0);
    assertThat(e.name()).isEqualTo("traffic-signs");
    assertThat(e.variant()).isEqualTo("v2");
    assertThat(e.upstream()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    assertThat(e.pathPrefix()).isEqualTo("/signs");
    assertThat(e.host()).isEqualTo("signs.local");
    assertThat(e.samplingPercent()).isEqualTo(12.5);
    assertThat(e.requestIdHeader()).isEqualTo("X-Req");
    assertThat(e.mode()).isEqualTo(CaptureMode.Input);
    assertThat(e.maxBodyBytes()).isEqualTo(1L << 20);
    assertThat(e.redact()).containsExactly("/user/email");
    assertThat(s.redactionKeys()).extracting(k -> k.id() + "=" + new String(k.secret(), java.nio.charset.StandardCharsets.UTF_8))
        .containsExactly("k2=env-secret-0123456789", "k1=file-secret-0123456789");
    assertThat(e.captureUpstreamErrors()).isFalse();
    assertThat(e.kafkaTopic()).isEqualTo("signs-captures");
    assertThat(s.kafka().bootstrapServers()).isEqualTo("127.0.0.1:9999");
    assertThat(s.kafka().compression()).isEqualTo("lz4");
    assertThat(s.kafka().producer()).containsEntry("security.protocol", "SASL_SSL");
    assertThat(s.s3().accessKeyId()).isEqualTo("AK");
    assertThat(s.s3().objectMaxBytes()).isEqualTo(4L << 20);
    assertThat(s.s3().objectMaxAge()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.s3().toString()).doesNotContain("SK");
    assertThat(s.listenPort()).isEqualTo(9001);
    assertThat(s.adminPort()).isEqualTo(9002);
    assertThat(s.metricsToken()).isEqualTo("scrape-me");
    assertThat(s.toString()).doesNotContain("scrape-me");
    assertThat(s.bufferBytes()).isEqualTo(32L << 20);
    assertThat(s.spoolMaxBytes()).isEqualTo(2L << 30);
    assertThat(s.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.upstreamTimeout()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void aDisabledSinkIsLeftOut() {
    AgentSettings s = AgentConfigMapping.settings(ConfigLoader.parse("""
        endpoints: [{name: a, upstream: http://127.0.0.1:1}]
        sinks: {kafka: {enabled: false}, s3: {bucket: bkt}}
        """, Map.of()));
    assertThat(s.kafka()).isNull();
    assertThat(s.s3().bucket()).isEqualTo("bkt");
  }

  @Test
  void theAdminPortIsLoopbackUnlessConfiguredAndItsTokenMayComeFromAFile() throws Exception {
    String base = "endpoints: [{name: a, upstream: http://127.0.0.1:1}]\n";
    AgentSettings plain = AgentConfigMapping.settings(ConfigLoader.parse(base, Map.of()));
    assertThat(plain.adminHost()).isEqualTo("127.0.0.1");
    assertThat(plain.metricsToken()).isNull();

    Path token = dir.resolve("metrics-token");
    java.nio.file.Files.writeString(token, "from-a-file\n"); // as a mounted Secret often ends
    String withFile = base + "agent: {admin: {metricsTokenFile: " + token + "}}\n";
    assertThat(AgentConfigMapping.settings(ConfigLoader.parse(withFile, Map.of())).metricsToken()).isEqualTo("from-a-file");

    java.nio.file.Files.delete(token);
    assertThat(run("--config", writeConfig(withFile).toString())).isEqualTo(2);
    assertThat(err.toString()).contains("agent.admin.metricsTokenFile: cannot read " + token).hasLineCount(1);
  }

  private Path writeConfig(String yaml) throws java.io.IOException {
    Path f = dir.resolve("agent.yaml");
    java.nio.file.Files.writeString(f, yaml);
    return f;
  }

  @Test
  void helpWorks() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("--config", "Exit codes");
  }

  @Test
  void missingConfigFileExitsWithTwo() {
    assertThat(run("--config", dir.resolve("absent.yaml").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("absent.yaml");
  }

  private static String keyFile() {
    try {
      java.nio.file.Path f = java.nio.file.Files.createTempFile("vigil-redaction", ".key");
      f.toFile().deleteOnExit();
      java.nio.file.Files.writeString(f, "file-secret-0123456789\n");
      return f.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
