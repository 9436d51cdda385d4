package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return TestCli.capturing(out, err).execute(args);
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("vigil.yaml"), yaml);
  }

  @Test
  void validFilePrintsTheEffectiveConfigWithSecretsMaskedAndExitsZero() throws IOException {
    Path file = write("""
        endpoints:
          - name: traffic-signs
            upstream: http://127.0.0.1:8080
        sinks:
          s3: {accessKeyId: AKIAEXAMPLE, secretAccessKey: wJalrXUtnFEMIsecretvalue}
        alerts:
          smtp: {tls: starttls, user: vigil, password: hunter2-smtp}
        """);

    int code = run("config", "check", file.toString());

    assertThat(code).isEqualTo(0);
    assertThat(err.toString()).isEmpty();
    assertThat(out.toString())
        .contains("name: traffic-signs", "maxBodyBytes: 10MB", "schedule: hourly", "accessKeyId: '******'")
        .doesNotContain("AKIAEXAMPLE", "wJalrXUtnFEMIsecretvalue", "hunter2-smtp");
  }

  @Test
  void shippedLocalExampleChecksClean() {
    int code = run("config", "check", Path.of("..", "config", "examples", "local.yaml").toString());

    assertThat(code).as(err.toString()).isEqualTo(0);
    assertThat(out.toString()).contains("bootstrapServers: 127.0.0.1:9092", "endpointOverride: http://127.0.0.1:9000",
        "secretAccessKey: '******'").doesNotContain("vigil-local-secret");
  }

  @Test
  void invalidFileListsEveryProblemOnStderrAndExitsTwo() throws IOException {
    Path file = write("""
        endpoints:
          - name: traffic-signs
            samplng: {percent: 50}
            sampling: {percent: 150}
        """);

    int code = run("config", "check", file.toString());

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .contains(file + ": 2 problems")
        .contains("  endpoints[0].sampling.percent: must be between 0 and 100, got 150")
        .contains("  endpoints[0].samplng: unknown key; did you mean 'sampling'?");
  }

  @Test
  void secretIsNotEchoedWhenItsValueIsInvalid() throws IOException {
    Path file = write("""
        endpoints: [{name: traffic-signs}]
        alerts: {smtp: {password: [hunter2-in-a-list]}}
        """);

    assertThat(run("config", "check", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("alerts.smtp.password: must be a single text value")
        .doesNotContain("hunter2");
  }

  @Test
  void missingFileIsAOneLineErrorWithExitTwo() {
    Path missing = dir.resolve("nope.yaml");

    int code = run("config", "check", missing.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip()).startsWith("vigil config check: " + missing + ": no such file;")
        .doesNotContain("\n");
  }

  @Test
  void helpDescribesTheCheckCommand() {
    assertThat(run("config", "check", "--help")).isEqualTo(0);
    assertThat(out.toString()).contains("Usage: vigil config check", "FILE", "${ENV:-default}", "Exit codes:");
  }

  @Test
  void configWithoutSubcommandIsAUsageError() {
    assertThat(run("config")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing subcommand", "check");
  }

  @Test
  void checkWithoutFileIsAUsageError() {
    assertThat(run("config", "check")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter: 'FILE'");
  }
}
