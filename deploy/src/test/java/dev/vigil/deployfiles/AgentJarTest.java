package dev.vigil.deployfiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar's jar as shipped, {@code deploy/agent/target/vigil-agent.jar} (the reactor packages
 * it before this module's tests): it carries the agent and its logging, and none of the monitor's
 * laboratory. A test of the module's class path would not do: test scope hides what the shade
 * plugin leaves out (logback once went missing that way).
 */
class AgentJarTest {
  private static final Path JAR = DeploymentFilesTest.deployDir().resolve("agent/target/vigil-agent.jar");
  private static Set<String> entries;

  @BeforeAll
  static void open() throws IOException {
    assertThat(JAR).as("%s is built by `mvn package` (the reactor packages deploy/agent before deploy's tests)", JAR)
        .isRegularFile();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      entries = jar.stream().map(e -> e.getName()).collect(Collectors.toSet());
    }
  }

  @Test
  void carriesTheAgentItsSinksAndItsLogging() {
    assertThat(entries).contains(
        "dev/vigil/agent/AgentMain.class",
        "dev/vigil/capture/agent/CaptureAgent.class",
        "org/apache/kafka/clients/producer/KafkaProducer.class",
        "software/amazon/awssdk/services/s3/S3Client.class",
        "io/netty/handler/codec/http/HttpServerCodec.class",
        "ch/qos/logback/classic/LoggerContext.class",
        "logback.xml");
  }

  @Test
  void carriesNoneOfTheMonitorsLaboratory() {
    for (String heavy : List.of(
        "ai/onnxruntime/",                      // ONNX Runtime and its native libraries
        "dev/vigil/saliency/", "dev/vigil/monitor/", "dev/vigil/alerts/", "dev/vigil/pipeline/",
        "dev/vigil/demo/", "dev/vigil/stack/",  // the demo and the embedded servers
        "kafka/server/", "org/gaul/s3proxy/", "com/icegreen/greenmail/", "io/zonky/",
        "org/quartz/", "org/jfree/", "com/zaxxer/hikari/", "org/postgresql/")) {
      assertThat(entries).as("nothing under %s", heavy).noneMatch(e -> e.startsWith(heavy));
    }
  }

  @Test
  void badConfigurationIsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
    Run run = run(dir, "--config", dir.resolve("absent.yaml").toString());
    assertThat(run.exit()).as(run.output()).isEqualTo(2);
    assertThat(run.output()).startsWith("vigil-agent: ").contains("absent.yaml").doesNotContain("Exception");
  }

  @Test
  void startsOnItsOwnAndLogsThroughLogback(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("agent.yaml"), """
        endpoints:
          - name: signs
            upstream: http://127.0.0.1:%d
        sinks:
          kafka: {enabled: false}
          s3: {bucket: agent-jar-test, endpointOverride: "http://127.0.0.1:%d", pathStyle: true,
               accessKeyId: a, secretAccessKey: b}
        agent:
          listen: {host: 127.0.0.1, port: %d}
          admin: {host: 127.0.0.1, port: %d}
          spool: {directory: %s}
        """.formatted(freePort(), freePort(), freePort(), freePort(), dir.resolve("spool")));
    Process p = start(dir, "--config", config.toString());
    StringBuilder output = new StringBuilder();
    try (var lines = p.inputReader(StandardCharsets.UTF_8)) {
      String line;
      while ((line = lines.readLine()) != null && !line.contains("proxy on 127.0.0.1")) {
        output.append(line).append('\n');
      }
      assertThat(line).as("the agent's start line; before it:%n%s", output).isNotNull();
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    // without logback in the jar, SLF4J falls back to a no-op logger and says so on stderr
    assertThat(output.toString()).doesNotContain("SLF4J").contains("INFO");
  }

  private record Run(int exit, String output) {}

  private static Run run(Path dir, String... args) throws Exception {
    Process p = start(dir, args);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), output);
  }

  private static Process start(Path dir, String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
